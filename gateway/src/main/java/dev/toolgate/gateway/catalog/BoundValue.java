package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where a parameter's value comes from when the admin bound it at import instead of leaving it
 * to the model: a fixed text or a secret of the tenant (read at call time, masked in echoes).
 * Parsed from {@code secret:NAME} or {@code value:TEXT}.
 */
public record BoundValue(Source source, String value) {
    public static final BoundValue ARGUMENT = new BoundValue(Source.ARGUMENT, "");
    private static final int MAX_VALUE = 1024;

    public enum Source { ARGUMENT, VALUE, SECRET }

    public BoundValue {
        requireNonNull(source, "source");
        requireNonNull(value, "value");
        if ((source == Source.ARGUMENT) != value.isEmpty()) {
            throw new IllegalArgumentException("only a bound parameter has a value");
        }
        if (value.length() > MAX_VALUE || !printableAscii(value)) {
            throw new IllegalArgumentException("a bound value is printable ASCII of at most " + MAX_VALUE + " chars");
        }
    }

    public boolean bound() {
        return source != Source.ARGUMENT;
    }

    /** {@code secret:NAME} or {@code value:TEXT}; empty when {@code text} is neither. */
    public static Optional<BoundValue> parse(String text) {
        try {
            if (text.startsWith("secret:") && text.length() > "secret:".length()) {
                return Optional.of(new BoundValue(Source.SECRET, text.substring("secret:".length())));
            }
            if (text.startsWith("value:") && text.length() > "value:".length()) {
                return Optional.of(new BoundValue(Source.VALUE, text.substring("value:".length())));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean printableAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
