package dev.toolgate.gateway.validation;

/**
 * Bounds on {@code arguments_json}. Immutable.
 *
 * @param maxBytes    UTF-8 size cap of the whole document
 * @param maxDepth    nesting depth cap (objects and arrays)
 */
public record ArgumentLimits(int maxBytes, int maxDepth) {
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 32;

    public ArgumentLimits {
        if (maxBytes < 1024 || maxBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxBytes must be 1024..16777216, but was " + maxBytes);
        }
        if (maxDepth < 2 || maxDepth > 1000) {
            throw new IllegalArgumentException("maxDepth must be 2..1000, but was " + maxDepth);
        }
    }

    public static ArgumentLimits ofDefaults() {
        return new ArgumentLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
    }
}
