package dev.toolgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void newTimeOrderedId_sortsByTheTimeItWasMade_andIsAValidClientCallId() {
        Instant start = Instant.parse("2026-12-07T05:00:00Z");
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            made.add(Identifiers.newTimeOrderedId("call", start.plusMillis(i * 7L)));
        }
        List<String> sorted = new ArrayList<>(made);
        sorted.sort(null); // byte order, as an index with the "C" collation or a hex-only key sorts them
        assertThat(sorted).isEqualTo(made);
        assertThat(made.get(0)).matches("call_[0-9a-f]{36}").startsWith("call_" + String.format("%012x", start.toEpochMilli()));
        assertThat(made).allMatch(id -> Identifiers.CALL_ID.matcher(id).matches()); // a client may send it back
    }

    @Test
    void newTimeOrderedId_madeInTheSameMillisecond_differInTheirRandomPart() {
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        HashSet<String> ids = new HashSet<>();
        HashSet<String> randomParts = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Identifiers.newTimeOrderedId("call", now);
            ids.add(id);
            randomParts.add(id.substring("call_".length() + 12));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(randomParts).hasSize(10_000);
        assertThat(randomParts).allMatch(r -> r.length() == 24); // 96 random bits, as newId has
    }

    @Test
    void isCallId_acceptsExactlyWhatTheCallIdPatternAccepts() {
        String alphabet = "aZz09._:-/ \u00e9\u0000\u007f+AM";
        Random random = new Random(23);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(4) == 0 ? 126 + random.nextInt(5) : random.nextInt(12);
            StringBuilder id = new StringBuilder(length);
            for (int j = 0; j < length; j++) { // mostly allowed characters, a third from the whole alphabet
                id.append(alphabet.charAt(random.nextInt(random.nextInt(3) == 0 ? alphabet.length() : 9)));
            }
            String s = id.toString();
            assertThat(Identifiers.isCallId(s)).as("'%s' (%d chars)", s, s.length())
                    .isEqualTo(Identifiers.CALL_ID.matcher(s).matches());
        }
    }

    @Test
    void isCallId_boundaries() {
        assertThat(Identifiers.isCallId("")).isFalse();
        assertThat(Identifiers.isCallId("a")).isTrue();
        assertThat(Identifiers.isCallId("a".repeat(128))).isTrue();
        assertThat(Identifiers.isCallId("a".repeat(129))).isFalse();
        assertThat(Identifiers.isCallId("call_01.x:y-z")).isTrue();
        assertThat(Identifiers.isCallId("call id")).isFalse();
        assertThat(Identifiers.isCallId("caf\u00e9")).isFalse();
    }
}
