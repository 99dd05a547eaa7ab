package dev.toolgate.gateway.auth;

import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import java.util.Base64;

/** API keys: {@code tg_} + 256 random bits (base64url). Only their SHA-256 is stored. */
public final class ApiKeyFormat {
    public static final String PREFIX = "tg_";
    public static final int MAX_LENGTH = 256;

    private ApiKeyFormat() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        Identifiers.random().nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the key; a fast hash is right for 256-bit random keys. */
    public static String hash(String key) {
        return Digests.sha256Hex(key);
    }
}
