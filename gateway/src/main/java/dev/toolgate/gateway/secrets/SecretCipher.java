package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a random 96-bit nonce per encryption. The associated data binds each
 * ciphertext to its tenant and secret name, so a row copied to another tenant or name does
 * not decrypt. Thread-safe.
 */
public final class SecretCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKeyRing keys;

    public SecretCipher(MasterKeyRing keys) {
        this.keys = requireNonNull(keys, "keys");
    }

    public SealedSecret seal(String tenant, String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        Identifiers.random().nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.current(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(tenant, name));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return new SealedSecret(keys.currentId(), b64.encodeToString(nonce), b64.encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws SecretUnreadableException when the key id is unknown or the data was tampered with */
    public String open(String tenant, String name, SealedSecret sealed) {
        SecretKey key = keys.byId(sealed.keyId()).orElseThrow(() -> new SecretUnreadableException(
                "secret '" + name + "' was encrypted with master key '" + sealed.keyId()
                        + "', which is not configured"));
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, b64.decode(sealed.nonce())));
            cipher.updateAAD(aad(tenant, name));
            return new String(cipher.doFinal(b64.decode(sealed.ciphertext())), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnreadableException("secret '" + name + "' cannot be decrypted (wrong master key or tampered row)");
        }
    }

    private static byte[] aad(String tenant, String name) {
        return ("toolgate-secret-v1\0" + tenant + "\0" + name).getBytes(StandardCharsets.UTF_8);
    }
}
