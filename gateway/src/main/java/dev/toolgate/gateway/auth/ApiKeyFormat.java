package dev.toolgate.gateway.auth;

import dev.toolgate.gateway.core.Identifiers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

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
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
