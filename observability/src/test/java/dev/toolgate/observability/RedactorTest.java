package dev.toolgate.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
    private final Redactor redactor = new Redactor(Map.of("crm.update", List.of("/customer/notes", "/items/1")));

    @Test
    void valuesUnderSecretLookingKeysAreMasked_atAnyDepth() {
        String out = redactor.redact("t.x", """
                {"user":"ada","Password":"hunter2","nested":{"api_key":"k-123","Authorization":"Basic eHg="},
                 "list":[{"refresh-token":"r1"}],"token_type":"bearer","max_tokens":200,"session_id":"s-1"}""");

        assertThat(out).doesNotContain("hunter2", "k-123", "eHg=", "r1")
                .contains("\"user\":\"ada\"", "\"token_type\":\"bearer\"", "\"max_tokens\":200",
                        "\"session_id\":\"s-1\"");
    }

    @Test
    void secretLookingValuesAreMaskedWhereverTheyAppear() {
        String out = redactor.redact("t.x", """
                {"note":"card 4111 1111 1111 1111 and ref 1234567890123","raw":4111111111111111,
                 "header":"Bearer abcdefghijkl123","jwt":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIz",
                 "aws":"AKIAIOSFODNN7EXAMPLE","key":"tg_abcdefghijklmnopqrstuv"}""");

        assertThat(out).doesNotContain("4111", "abcdefghijkl123", "eyJhbGci", "AKIAIOSFODNN7EXAMPLE",
                "tg_abcdefghijklmnopqrstuv").contains("1234567890123"); // fails the Luhn check: not a card
    }

    @Test
    void pointersConfiguredForTheToolAreMasked() {
        String out = redactor.redact("crm.update", """
                {"customer":{"notes":"private","name":"Ada"},"items":["a","b","c"]}""");

        assertThat(out).isEqualTo("{\"customer\":{\"notes\":\"[REDACTED]\",\"name\":\"Ada\"},"
                + "\"items\":[\"a\",\"[REDACTED]\",\"c\"]}");
        assertThat(redactor.redact("other.tool", "{\"customer\":{\"notes\":\"private\"}}")).contains("private");
    }

    @Test
    void textThatIsNotJsonIsScannedForValues() {
        assertThat(redactor.redact("t.x", "plain Bearer abcdefghijkl123 text")).isEqualTo("plain [REDACTED] text");
        assertThat(redactor.redact("t.x", "")).isEmpty();
    }

    @Test
    void everySecretValueShape_passesTheQuickCheck_andIsMasked() {
        String[] secrets = {"bearer abcdefgh", "BEARER\tabcdefgh1", "eyJabcdefgh.abcdefgh.abcdefgh",
                "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----\nabc", "AKIAABCDEFGHIJKLMNOP",
                "ASIAABCDEFGHIJKLMNOP", "tg_abcdefghijklmnop", "4111111111111111", "4111 1111 1111 1111",
                "4111-1111-1111-1111", "card 4111111111111111!"};
        for (String secret : secrets) {
            for (String text : new String[] {secret, "x " + secret + " y", "{" + secret + "}"}) {
                assertThat(Redactor.mayHoldSecretValue(text)).as(text).isTrue();
                assertThat(Redactor.maskValues(text)).as(text).contains(Redactor.MASK);
            }
        }
    }

    @Test
    void textNoPatternCanMatch_isReturnedAsItIs() {
        for (String text : new String[] {"", "short", "123456789012", "a plain sentence without secrets", "order 12345"}) {
            assertThat(Redactor.mayHoldSecretValue(text)).as(text).isFalse();
            assertThat(Redactor.maskValues(text)).isSameAs(text);
        }
    }

    @Test
    void secretKeyDecisions_areTheSameWhenAskedAgain() {
        for (int round = 0; round < 2; round++) { // the second round is answered from the cache
            assertThat(Redactor.isSecretKey("api_key")).isTrue();
            assertThat(Redactor.isSecretKey("Authorization")).isTrue();
            assertThat(Redactor.isSecretKey("token_type")).isFalse();
            assertThat(Redactor.isSecretKey("name")).isFalse();
        }
    }
}
