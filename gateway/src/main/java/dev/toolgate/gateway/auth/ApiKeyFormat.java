package dev.toolgate.gateway.auth;

import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * API keys: {@code tg_} + 43 random base62 characters (256 bits) + a 6-character base62 CRC32 of
 * everything before it, 52 characters in all. The checksum lets the gateway refuse a mistyped or
 * forged key without a database lookup; it is no secret. Keys minted before the checksum existed
 * ({@code tg_} + 43 base64url characters) are {@link Shape#LEGACY}. Only a key's SHA-256 is stored.
 * Stateless and thread-safe.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "tg_";
    public static final int MAX_LENGTH = 256;
    static final int RANDOM_CHARS = 43;
    static final int CHECKSUM_CHARS = 6;
    /** Length of a key in the current format. */
    public static final int LENGTH = PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
    private static final int LEGACY_LENGTH = PREFIX.length() + RANDOM_CHARS;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** What a presented key looks like, decided without any lookup. */
    public enum Shape {
        /** The current format with a matching checksum: worth looking up. */
        CHECKSUMMED,
        /** The format before checksums: looked up only while legacy keys are accepted. */
        LEGACY,
        /** Neither: refused at once. */
        MALFORMED
    }

    private ApiKeyFormat() {
    }

    /** A new key in the current format. */
    public static String generate() {
        StringBuilder key = new StringBuilder(LENGTH).append(PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            key.append(BASE62.charAt(Identifiers.random().nextInt(BASE62.length())));
        }
        return key.append(checksum(key)).toString();
    }

    /** The shape of {@code key}; never null, never throws. */
    public static Shape shape(String key) {
        if (key == null || !key.startsWith(PREFIX)) {
            return Shape.MALFORMED;
        }
        if (key.length() == LENGTH && all(key, PREFIX.length(), LENGTH, ApiKeyFormat::isBase62)
                && key.regionMatches(LENGTH - CHECKSUM_CHARS, checksum(key.subSequence(0, LENGTH - CHECKSUM_CHARS)),
                        0, CHECKSUM_CHARS)) {
            return Shape.CHECKSUMMED;
        }
        if (key.length() == LEGACY_LENGTH && all(key, PREFIX.length(), LEGACY_LENGTH, ApiKeyFormat::isBase64Url)) {
            return Shape.LEGACY;
        }
        return Shape.MALFORMED;
    }

    /** Lower-case hex SHA-256 of the key; a fast hash is right for 256-bit random keys. */
    public static String hash(String key) {
        return Digests.sha256Hex(key);
    }

    /** CRC32 of {@code text} (ASCII) as 6 base62 digits, most significant first. */
    static String checksum(CharSequence text) {
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] digits = new char[CHECKSUM_CHARS];
        for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
            digits[i] = BASE62.charAt((int) (value % BASE62.length()));
            value /= BASE62.length();
        }
        return new String(digits);
    }

    private interface CharTest {
        boolean test(char c);
    }

    private static boolean all(String s, int from, int to, CharTest test) {
        for (int i = from; i < to; i++) {
            if (!test.test(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isBase64Url(char c) {
        return isBase62(c) || c == '-' || c == '_';
    }
}
