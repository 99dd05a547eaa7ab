package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.auth.ApiKeyFormat.Shape;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {

    @Test
    void generate_makesChecksummedKeysOfTheDocumentedLength() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeyFormat.generate();
            assertThat(key).hasSize(52).startsWith("tg_").matches("tg_[0-9A-Za-z]{49}");
            assertThat(ApiKeyFormat.shape(key)).isEqualTo(Shape.CHECKSUMMED);
            assertThat(seen.add(key)).isTrue();
        }
    }

    @Test
    void shape_anyChangedCharacter_isMalformed() {
        String key = ApiKeyFormat.generate();
        for (int i = 3; i < key.length(); i++) {
            char c = key.charAt(i);
            String changed = key.substring(0, i) + (c == 'a' ? 'b' : 'a') + key.substring(i + 1);
            assertThat(ApiKeyFormat.shape(changed)).as("changed at %d", i).isEqualTo(Shape.MALFORMED);
        }
        assertThat(ApiKeyFormat.shape(key.substring(0, 51))).isEqualTo(Shape.MALFORMED);
        assertThat(ApiKeyFormat.shape(key + "0")).isEqualTo(Shape.MALFORMED);
        assertThat(ApiKeyFormat.shape("xx" + key.substring(2))).isEqualTo(Shape.MALFORMED);
    }

    @Test
    void shape_keysMintedBeforeChecksums_areLegacy() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String old = "tg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes); // the old generate()
        assertThat(ApiKeyFormat.shape(old)).isEqualTo(Shape.LEGACY);
        assertThat(ApiKeyFormat.shape("tg_" + "-_".repeat(21) + "A")).isEqualTo(Shape.LEGACY);
    }

    @Test
    void shape_otherStrings_areMalformed() {
        for (String s : new String[] {null, "", "tg_", "garbage", "tg_not-a-real-key",
                "tg_test_bootstrap_admin_key_0123456789", "tg_" + "x".repeat(43) + "!", "TG_" + "x".repeat(43)}) {
            assertThat(ApiKeyFormat.shape(s)).as(s).isEqualTo(Shape.MALFORMED);
        }
    }

    @Test
    void checksum_isTheCrc32OfThePrefixAndRandomPartInBase62() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("tg_abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long v = crc.getValue();
        StringBuilder expected = new StringBuilder();
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 6; i++) {
            expected.insert(0, digits.charAt((int) (v % 62)));
            v /= 62;
        }
        assertThat(ApiKeyFormat.checksum("tg_abc")).isEqualTo(expected.toString()).hasSize(6);
    }
}
