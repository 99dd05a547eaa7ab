package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
    private static final String KEY_A = Base64.getEncoder().encodeToString("A".repeat(32).getBytes());
    private static final String KEY_B = Base64.getEncoder().encodeToString("B".repeat(32).getBytes());

    private final SecretCipher cipher = new SecretCipher(MasterKeyRing.of("a", KEY_A, Map.of()));

    @Test
    void seal_thenOpen_returnsTheValue() {
        SealedSecret sealed = cipher.seal("acme", "token", "s3cr3t-value");

        assertThat(cipher.open("acme", "token", sealed)).isEqualTo("s3cr3t-value");
        assertThat(sealed.keyId()).isEqualTo("a");
        assertThat(new String(Base64.getDecoder().decode(sealed.ciphertext()))).doesNotContain("s3cr3t");
    }

    @Test
    void seal_twice_usesFreshNonces() {
        assertThat(cipher.seal("acme", "token", "v").nonce()).isNotEqualTo(cipher.seal("acme", "token", "v").nonce());
    }

    @Test
    void open_underAnotherTenantOrName_fails() {
        SealedSecret sealed = cipher.seal("acme", "token", "v");

        assertThatThrownBy(() -> cipher.open("evil", "token", sealed)).isInstanceOf(SecretUnreadableException.class);
        assertThatThrownBy(() -> cipher.open("acme", "other", sealed)).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void open_tamperedCiphertext_fails() {
        SealedSecret sealed = cipher.seal("acme", "token", "value");
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        raw[0] ^= 1;
        SealedSecret tampered = new SealedSecret(sealed.keyId(), sealed.nonce(), Base64.getEncoder().encodeToString(raw));

        assertThatThrownBy(() -> cipher.open("acme", "token", tampered))
                .isInstanceOf(SecretUnreadableException.class).hasMessageNotContaining("value");
    }

    @Test
    void open_afterRotation_readsOldSecretsWithPreviousKey() {
        SealedSecret old = cipher.seal("acme", "token", "v1");
        SecretCipher rotated = new SecretCipher(MasterKeyRing.of("b", KEY_B, Map.of("a", KEY_A)));

        assertThat(rotated.open("acme", "token", old)).isEqualTo("v1");
        assertThat(rotated.seal("acme", "token", "v2").keyId()).isEqualTo("b");
    }

    @Test
    void open_unknownKeyId_namesTheMissingKey() {
        SealedSecret sealed = cipher.seal("acme", "token", "v");
        SecretCipher other = new SecretCipher(MasterKeyRing.of("b", KEY_B, Map.of()));

        assertThatThrownBy(() -> other.open("acme", "token", sealed)).hasMessageContaining("'a'");
    }

    @Test
    void keyRing_wrongKeyLength_isRejectedWithLength() {
        assertThatThrownBy(() -> MasterKeyRing.of("a", Base64.getEncoder().encodeToString(new byte[16]), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    }

    @Test
    void keyRing_notBase64_isRejected() {
        assertThatThrownBy(() -> MasterKeyRing.of("a", "not base64!!", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base64");
    }

    @Test
    void sealedSecret_toString_hidesCiphertext() {
        SealedSecret sealed = cipher.seal("acme", "token", "v");
        assertThat(sealed.toString()).doesNotContain(sealed.ciphertext());
    }
}
