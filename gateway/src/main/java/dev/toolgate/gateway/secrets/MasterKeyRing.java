package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 master keys: one current key that encrypts, plus older keys (by id) that still
 * decrypt secrets written before a rotation. Immutable; never logs or prints key material.
 */
public final class MasterKeyRing {
    /**
     * The key id of the generated development key ({@code <data-dir>/master.key}, H2 only), so
     * that nothing sealed with it is ever taken for a production secret.
     */
    public static final String DEVELOPMENT_KEY_ID = "dev";

    private final String currentId;
    private final Map<String, SecretKey> keys;

    private MasterKeyRing(String currentId, Map<String, SecretKey> keys) {
        this.currentId = currentId;
        this.keys = Map.copyOf(keys);
    }

    /**
     * @param currentKeyBase64 32 bytes, base64 (standard alphabet)
     * @param previous         key id → base64 key, for decryption only
     */
    public static MasterKeyRing of(String currentId, String currentKeyBase64, Map<String, String> previous) {
        requireNonNull(currentId, "currentId");
        requireNonNull(currentKeyBase64, "currentKeyBase64");
        requireNonNull(previous, "previous");
        checkId(currentId);
        Map<String, SecretKey> keys = new HashMap<>();
        previous.forEach((id, key) -> {
            checkId(id);
            keys.put(id, decode(id, key));
        });
        keys.put(currentId, decode(currentId, currentKeyBase64));
        return new MasterKeyRing(currentId, keys);
    }

    public String currentId() {
        return currentId;
    }

    /**
     * A key for another purpose, derived from the current master key (HMAC-SHA256 of the purpose),
     * so it is the same on every instance that shares the master key and never the key itself.
     */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(current().getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    SecretKey current() {
        return keys.get(currentId);
    }

    Optional<SecretKey> byId(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    private static void checkId(String id) {
        if (!id.matches("[A-Za-z0-9._-]{1,32}")) {
            throw new IllegalArgumentException("master key id must be 1..32 chars of [A-Za-z0-9._-], but was '" + id + "'");
        }
    }

    private static SecretKey decode(String id, String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("master key '" + id + "' is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("master key '" + id + "' must be 32 bytes (AES-256), but was "
                    + raw.length + " bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }
}
