package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.core.Identifiers;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestShapeTest {
    @Test
    void validId_acceptsExactlyWhatTheCallIdPatternAccepts() {
        String alphabet = "aZz09._:-/ é\u0000\u007f+AM";
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4) == 0 ? 126 + random.nextInt(5) : random.nextInt(12);
            StringBuilder id = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                id.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : alphabet.charAt(random.nextInt(9)));
            }
            String s = id.toString();
            assertThat(RequestShape.validId(s)).as("'%s' (%d chars)", s, s.length())
                    .isEqualTo(Identifiers.CALL_ID.matcher(s).matches());
        }
    }

    @Test
    void validId_boundaries() {
        assertThat(RequestShape.validId("")).isFalse();
        assertThat(RequestShape.validId("a")).isTrue();
        assertThat(RequestShape.validId("a".repeat(128))).isTrue();
        assertThat(RequestShape.validId("a".repeat(129))).isFalse();
        assertThat(RequestShape.validId("call_01.x:y-z")).isTrue();
        assertThat(RequestShape.validId("call id")).isFalse();
        assertThat(RequestShape.validId("caf\u00e9")).isFalse();
    }
}
