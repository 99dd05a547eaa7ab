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
    void secretsUsedAsKeys_areMasked_inTheStreamAndInTheTree() {
        // a map keyed by card number or token: the keys were written back as they came
        String in = "{\"4111111111111111\":{\"limit\":500},\"x\":{\"Bearer abcdefghijkl123\":true},\"plain\":1}";

        assertThat(redactor.redact("t.x", in)).isEqualTo(
                "{\"[REDACTED]\":{\"limit\":500},\"x\":{\"[REDACTED]\":true},\"plain\":1}");
        assertThat(redactor.redact("crm.update", in)).as("the tree, for a tool with pointers")
                .isEqualTo(redactor.redact("t.x", in));
        assertThat(redactor.redactHead("t.x", in, 20)).isEqualTo("{\"[REDACTED]\":{\"limi");
    }

    @Test
    void cardNumbersWrittenAsFloats_areMasked_inTheStreamAndInTheTree() {
        // an upstream that serialises a card number through a double: the digits are all there
        // past 2^53 a double rounds odd numbers, so its digits cannot be checked: 9792... and 19 digits are masked
        String in = "{\"a\":4111111111111111.0,\"b\":4.111111111111111E15,\"c\":[-5555555555554444e0],"
                + "\"amount\":12.5,\"big\":1.0E20,\"notLuhn\":4111111111111112.0,\"ratio\":1234567890123.5,"
                + "\"troy\":9792123412341235.0,\"long\":6.212345678901234567E18}";

        String out = redactor.redact("t.x", in);

        assertThat(out).isEqualTo("{\"a\":\"[REDACTED]\",\"b\":\"[REDACTED]\",\"c\":[\"[REDACTED]\"],"
                + "\"amount\":12.5,\"big\":1.0E20,\"notLuhn\":4.111111111111112E15,\"ratio\":1.2345678901235E12,"
                + "\"troy\":\"[REDACTED]\",\"long\":\"[REDACTED]\"}");
        assertThat(redactor.redactAsTree(in)).isEqualTo(out);
        assertThat(redactor.redact("crm.update", in)).as("the tree, for a tool with pointers").isEqualTo(out);
        assertThat(redactor.redactHead("t.x", in, 30)).isEqualTo(out.substring(0, 30));
    }

    @Test
    void cardNumbersWrittenAsFloats_inStringsAndFreeText_areMasked() {
        // the same double written into a string ("note"), into a body that is not JSON, with a short mantissa
        // (4111111111170000 as 4.11111111117E15: no run of 13 digits in the text), past 2^53 (not checkable),
        // with a padded exponent, several digits before the point (an Amex as an engineering string) or trailing zeros
        String in = "{\"note\":\"card 4.111111111111111E15 charged\",\"b\":\"5.555555555554444e+15\","
                + "\"short\":\"4.11111111117E15\",\"troy\":\"9.792123412341235E15\",\"amount\":\"1.25E3\","
                + "\"notLuhn\":\"4.111111111111112E15\",\"big\":\"1.0E20\",\"version\":\"v1.2.3E15x\","
                + "\"padded\":\"4.111111111111111E+015\",\"two\":\"41.11111111111111E14\",\"amex\":\"378.282246310005E+12\","
                + "\"zeros\":\"4.1111111111111110000E15\"}";

        String out = redactor.redact("t.x", in);

        assertThat(out).isEqualTo("{\"note\":\"card [REDACTED] charged\",\"b\":\"[REDACTED]\","
                + "\"short\":\"[REDACTED]\",\"troy\":\"[REDACTED]\",\"amount\":\"1.25E3\","
                + "\"notLuhn\":\"4.111111111111112E15\",\"big\":\"1.0E20\",\"version\":\"v1.2.3E15x\","
                + "\"padded\":\"[REDACTED]\",\"two\":\"[REDACTED]\",\"amex\":\"[REDACTED]\",\"zeros\":\"[REDACTED]\"}");
        assertThat(redactor.redactAsTree(in)).isEqualTo(out);
        assertThat(Redactor.maskValues("paid with 4.111111111111111E15, ok")).isEqualTo("paid with [REDACTED], ok");
        assertThat(Redactor.maskValues("-4.11111111117E15")).isEqualTo("-[REDACTED]");
        assertThat(Redactor.maskValues("4.11111111111E15")).as("4111111111110000 fails the Luhn check")
                .isEqualTo("4.11111111111E15");
    }

    @Test
    void roundNumbersAndWordsThatLookLikeScientificNotation_areKept() {
        // found by review: uuids, hex digests, wei amounts and physical quantities are not cards
        for (String text : new String[] {"uuid 550e8400-5e16-41d4-a716-446655440000", "sha c5e16a9f00", "amount 1e18 wei",
                "2.5E17", "9.1E15 J", "1.8E13", "id_5e16", "x4.111111111111111E15", "4.111111111111111E15y",
                "4.111111111111111E19", "4.111111111111111E9", "ratio 0.4111111111111111", "1.4111111111111111E-3"}) {
            assertThat(Redactor.maskValues(text)).as(text).isEqualTo(text);
        }
        assertThat(Redactor.maskValues("card 4111111111111111, 4111111111111111.0 or 4111 1111 1111 1111"))
                .as("a card's own digits still are").isEqualTo("card [REDACTED], [REDACTED].0 or [REDACTED]");
        String json = "{\"supply\":1.0E18,\"amount\":1.8E13,\"count\":9.0E15}";
        assertThat(redactor.redact("t.x", json)).isEqualTo(json);
        assertThat(redactor.redactAsTree(json)).isEqualTo(json);
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
    void secretMembersOfJsonCutOffOrKeptAsText_areMasked() {
        String cut = "{\"user\":\"ada\",\"password\":\"hunter2\",\"api_key\": 12345,\"token_type\":\"bearer\",\"note\":\"x";
        assertThat(redactor.redact("t.x", cut)).doesNotContain("hunter2", "12345")
                .contains("\"user\":\"ada\"", "\"token_type\":\"bearer\"");
        // how a body cut at the size cap is kept: as the text of a wrapper, which itself is JSON
        String wrapped = "{\"content_type\":\"application/json\",\"text\":\"{\\\"account\\\":\\\"ada\\\","
                + "\\\"secret\\\":\\\"s3cr3t\\\",\\\"pad\\\":\\\"xx\",\"truncated\":true}";
        assertThat(redactor.redact("t.x", wrapped)).doesNotContain("s3cr3t").contains("account", "ada");
        assertThat(redactor.redactAsTree(wrapped)).doesNotContain("s3cr3t");
    }

    @Test
    void aLargeCutOffBodyFullOfEscapes_isMaskedWithoutOverflowingTheStack() {
        String text = "{\"note\" : \"" + "\\\"".repeat(300_000) + "\", \"password\" : \"hunter2\", \"x\":\""
                + "a\\\\b".repeat(200_000);
        String out = Redactor.maskValues(text);
        assertThat(out).doesNotContain("hunter2").contains("\"password\" : \"[REDACTED]\"");
        assertThat(out.length()).isGreaterThan(1_000_000);
    }

    @Test
    void secretFormAndQueryParameters_inText_areMasked_othersKept() {
        String out = Redactor.maskValues("POST grant_type=client_credentials&client_secret=s3cr3t&scope=read"
                + " then /cb?access_token=at-123&state=xyz");
        assertThat(out).doesNotContain("s3cr3t", "at-123")
                .contains("grant_type=client_credentials", "scope=read", "state=xyz");
        assertThat(Redactor.maskValues("{\"password\": null, \"name\": \"x\"}")).isEqualTo(
                "{\"password\": null, \"name\": \"x\"}");
        assertThat(Redactor.maskValues("a=b")).isEqualTo("a=b");
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
        for (String text : new String[] {"", "short", "123456789012", "a plain sentence without secrets", "order 12345",
                "shipped 2026-12-07, tracking 1Z2999", "1234 5678  9012 3456", "1234--5678-9012-3456"}) {
            assertThat(Redactor.mayHoldSecretValue(text)).as(text).isFalse();
            assertThat(Redactor.maskValues(text)).isSameAs(text);
        }
    }

    @Test
    void everyTextTheCardPatternFindsSomethingIn_passesTheQuickCheck() {
        java.util.regex.Pattern card = Redactor.CARD;
        java.util.Random random = new java.util.Random(31);
        String alphabet = "0123456789012345678901234567890123456789  --x,";
        int found = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = 13 + random.nextInt(30); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (card.matcher(text).find()) {
                found++;
                assertThat(Redactor.mayHoldSecretValue(text.toString())).as(text.toString()).isTrue();
            }
        }
        assertThat(found).as("texts the pattern found a card-like run in").isGreaterThan(1_000);
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

    @Test
    void streamedRedaction_writesWhatTheTreeWrote_forTrickyValues() {
        String[] inputs = {"{}", "[]", "null", "true", "\"Bearer abcdefghijkl\"", "4111111111111111", "-0", "-0.0",
                "1.50", "1e2", "1E-7", "123456789012345678901234567890", "9223372036854775807", "2147483648",
                "{\"a\" : [ 1 , 2.5e10 , \"\\u00e9\\/\\\"\\n\\u0001\" ] }", "  {\"password\":{\"deep\":[1,2]}} ",
                "{\"token\":null,\"pin\":0,\"cvv\":[],\"x\":{}}", "{} {\"password\":\"after\"}", "[1,2",
                "{\"a\":tru}", "not json 4111111111111111", "   ", "[" + "[".repeat(70) + "]".repeat(71),
                "{\"raw\":4111111111111111,\"n\":-4111111111111111,\"big\":41111111111111111111}",
                "[999999999999,-999999999999,4222222222222,-4222222222222,2147483647,-2147483648,2147483648]"};
        for (String in : inputs) {
            assertThat(redactor.redact("t.x", in)).as(in).isEqualTo(redactor.redactAsTree(in));
        }
        assertThat(redactor.redact("t.x", "[999999999999,4222222222222,-4222222222222,4222222222223]")).as("13 digits")
                .isEqualTo("[999999999999,\"[REDACTED]\",\"[REDACTED]\",4222222222223]");
    }

    @Test
    void streamedRedaction_writesWhatTheTreeWrote_forThousandsOfRandomDocuments() {
        java.util.Random random = new java.util.Random(23);
        for (int i = 0; i < 3_000; i++) {
            String in = randomDocument(random);
            assertThat(redactor.redact("t.x", in)).as(in).isEqualTo(redactor.redactAsTree(in));
        }
    }

    @Test
    void redactedHead_isTheHeadOfTheRedactedText_forThousandsOfRandomDocuments_atEveryLength() {
        java.util.Random random = new java.util.Random(29);
        for (int i = 0; i < 3_000; i++) {
            String in = randomDocument(random);
            String whole = redactor.redact("t.x", in);
            int max = random.nextInt(whole.length() + 8);
            assertThat(redactor.redactHead("t.x", in, max)).as(in + " head " + max)
                    .isEqualTo(whole.substring(0, Math.min(max, whole.length())));
        }
    }

    @Test
    void redactedHead_ofLongDocuments_isTheHeadOfTheRedactedText_wherever_itIsCut() {
        java.util.Random random = new java.util.Random(37);
        for (int i = 0; i < 40; i++) {
            StringBuilder json = new StringBuilder("[");
            while (json.length() < 4_000 + random.nextInt(12_000)) { // past the generator's own 4,000-char buffer
                json.append(json.length() > 1 ? "," : "");
                randomValue(random, json, 1);
                json.append(random.nextInt(4) == 0 ? ",\"\uD83D\uDE00 \u00e9 \uD834\uDD1E\"" : "");
            }
            String in = json.append(']').toString();
            String whole = redactor.redact("t.x", in);
            for (int max : new int[] {random.nextInt(4_000), 3_999 + random.nextInt(3), 4_000 + random.nextInt(whole.length()),
                    whole.length() - 1, whole.length(), whole.length() + 1}) {
                assertThat(redactor.redactHead("t.x", in, max)).as("head " + max + " of " + in)
                        .isEqualTo(whole.substring(0, Math.min(max, whole.length())));
            }
        }
    }

    @Test
    void redactedHead_ofTrickyValuesAndOfAToolWithPointers_isTheRedactedText() {
        String[] inputs = {"{}", "null", "\"Bearer abcdefghijkl\"", "4111111111111111", "1.50", "[1,2", "{\"a\":tru}",
                "not json 4111111111111111", "   ", "{} {\"password\":\"after\"}", "[" + "[".repeat(70) + "]".repeat(71)};
        for (String in : inputs) {
            assertThat(redactor.redactHead("t.x", in, 10_000)).as(in).isEqualTo(redactor.redact("t.x", in));
        }
        String crm = "{\"customer\":{\"notes\":\"private\",\"name\":\"Ada\"},\"items\":[\"a\",\"b\",\"c\"]}";
        assertThat(redactor.redactHead("crm.update", crm, 40))
                .isEqualTo(redactor.redact("crm.update", crm).substring(0, 40)).doesNotContain("private");
        assertThat(redactor.redactHead("t.x", crm, 0)).isEmpty();
        assertThat(redactor.redactHead("t.x", "", 10)).isEmpty();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> redactor.redactHead("t.x", crm, -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxChars");
    }

    @Test
    void redactedHead_ofTextCutInsideASecret_showsNoPartOfIt() {
        // cut first and masked after, "Bearer abcde" would be too short for the token pattern and shown as it is
        String text = "x".repeat(100) + " Bearer abcdefghijklmnopqrstuvwxyz and more";
        String head = redactor.redactHead("t.x", text, 101 + "Bearer abcde".length());

        assertThat(head).doesNotContain("abcde").startsWith("x".repeat(100) + " [REDAC");
        String json = "{\"note\":\"" + "y".repeat(100) + " Bearer abcdefghijklmnopqrstuvwxyz\"}";
        assertThat(redactor.redactHead("t.x", json, "{\"note\":\"".length() + 101 + 6)).doesNotContain("abcde").endsWith(" [REDAC");
    }

    @Test
    void redactedHead_ofALargeJsonValue_readsOnlyItsHead() {
        StringBuilder big = new StringBuilder("{\"password\": \"hunter2\", \"rows\": [");
        for (int i = 0; i < 20_000; i++) {
            big.append("{\"id\": ").append(i).append(", \"name\": \"row ").append(i).append("\"}, ");
        }
        String malformedTail = big + "!"; // redact() sees the whole text is not JSON and masks it as text

        String head = redactor.redactHead("t.x", malformedTail, 200);

        assertThat(head).hasSize(200).startsWith("{\"password\":\"[REDACTED]\",\"rows\":[{\"id\":0,\"name\":\"row 0\"}")
                .doesNotContain("hunter2");
        assertThat(redactor.redact("t.x", malformedTail)).as("the whole text, masked as text")
                .startsWith("{\"password\": \"[REDACTED]\", \"rows\": [{\"id\": 0, ");
    }

    private static final String[] KEYS = {"user", "password", "api_key", "token_type", "max_tokens", "auth", "pin",
            "note", "Authorization", "items", "é", "a\\\"b", ""};
    private static final String[] STRINGS = {"ada", "Bearer abcdefghijkl123", "4111 1111 1111 1111", "ref 1234567890123",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz", "tg_abcdefghijklmnopqrstuv", "\\u00e9\\/x",
            "line\\nbreak\\t\\u0001", "AKIAIOSFODNN7EXAMPLE", ""};
    private static final String[] NUMBERS = {"0", "-0", "7", "-12", "4111111111111111", "2147483648",
            "9223372036854775808", "1.0", "1.50", "-0.0", "3e2", "6.02E23", "1e-7", "0.1", "41111111111111111111"};

    private static String randomDocument(java.util.Random r) {
        StringBuilder json = new StringBuilder();
        randomValue(r, json, 0);
        return json.toString();
    }

    private static void randomValue(java.util.Random r, StringBuilder out, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(4) : r.nextInt(6);
        space(r, out);
        switch (kind) {
            case 0 -> {
                out.append('{');
                List<String> keys = new java.util.ArrayList<>(List.of(KEYS));
                java.util.Collections.shuffle(keys, r);
                int n = r.nextInt(5);
                for (int k = 0; k < n; k++) {
                    out.append(k > 0 ? "," : "");
                    space(r, out);
                    out.append('"').append(keys.get(k)).append("\":");
                    randomValue(r, out, depth + 1);
                }
                out.append('}');
            }
            case 1 -> {
                out.append('[');
                int n = r.nextInt(5);
                for (int k = 0; k < n; k++) {
                    out.append(k > 0 ? "," : "");
                    randomValue(r, out, depth + 1);
                }
                out.append(']');
            }
            case 2 -> out.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 3 -> out.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 -> out.append(r.nextBoolean() ? "true" : "false");
            default -> out.append("null");
        }
        space(r, out);
    }

    private static void space(java.util.Random r, StringBuilder out) {
        if (r.nextInt(4) == 0) {
            out.append(" \n\t".charAt(r.nextInt(3)));
        }
    }
}
