package dev.toolgate.gateway.execution.http;

import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding: everything but unreserved characters is encoded ({@link #encode}), or,
 * for a path value that may hold a path ({@link #encodeKeepingPath}), everything but the characters
 * a path segment may hold and the slash between segments.
 */
final class PercentEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Besides unreserved characters: the segment separator, sub-delims, ':' and '@'. */
    private static final String PATH_CHARS = "/!$&'()*+,;=:@";

    private PercentEncoding() {
    }

    static String encode(String value) {
        return encode(value, false);
    }

    /**
     * Keeps unreserved characters, {@code /}, and the sub-delimiters, {@code :} and {@code @} that
     * RFC 3986 allows in a path segment ({@code pchar}); encodes the rest, {@code ?}, {@code #},
     * {@code [}, {@code ]} and {@code %} included, so a value never ends the path, never starts a
     * query or fragment, and is never decoded twice.
     */
    static String encodeKeepingPath(String value) {
        return encode(value, true);
    }

    private static String encode(String value, boolean keepPath) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || (keepPath && PATH_CHARS.indexOf(c) >= 0)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }
}
