package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EchoMaskTest {

    @Test
    void maskJson_secretAsNumberMemberNameAndLowerHexPercentEncoding_isMaskedAndStaysJson() {
        EchoMask mask = EchoMask.of(List.of("12345678", "k/ey:pa ss"));

        String masked = mask.maskJson("{\"n\":12345678,\"12345678\":1,\"q\":\"x=k%2fey%3apa%20ss\",\"p\":\"pa ss\"}");

        assertThat(masked).isEqualTo("{\"n\":\"[REDACTED]\",\"[REDACTED]\":1,\"q\":\"x=[REDACTED]\",\"p\":\"[REDACTED]\"}");
    }

    @Test
    void maskJson_withoutAnyOccurrence_returnsTheSameText() {
        String json = "{\"a\": [1, 2]}";
        assertThat(EchoMask.of(List.of("secret-value")).maskJson(json)).isSameAs(json);
    }

    @Test
    void valuesShorterThanFourChars_areNotSearched() {
        assertThat(EchoMask.of(List.of("abc"))).isSameAs(EchoMask.NONE);
        assertThat(EchoMask.of(List.of("abc")).maskText("abcabc")).isEqualTo("abcabc");
    }

    @Test
    void toString_namesNoValue() {
        assertThat(EchoMask.of(List.of("secret-value")).toString()).doesNotContain("secret");
    }

    @Test
    void cached_sameValues_sameMask_whichMasksAsABuiltOne() {
        EchoMask first = EchoMask.cached(List.of("s3cr3t-token", "user:pa55word"));
        assertThat(EchoMask.cached(List.of("s3cr3t-token", "user:pa55word"))).isSameAs(first);
        String echoed = "{\"auth\":\"Bearer s3cr3t-token\",\"basic\":\"dXNlcjpwYTU1d29yZA==\",\"p\":\"pa55word\"}";
        assertThat(first.maskJson(echoed))
                .isEqualTo(EchoMask.of(List.of("s3cr3t-token", "user:pa55word")).maskJson(echoed))
                .doesNotContain("s3cr3t-token", "dXNlcjpwYTU1d29yZA", "pa55word");
        assertThat(EchoMask.cached(List.of("other-value"))).isNotSameAs(first); // another secret: its own mask
        assertThat(EchoMask.cached(List.of())).isSameAs(EchoMask.NONE);
    }
}
