package dev.toolgate.gateway.validation;

import java.util.Locale;
import java.util.Optional;

/**
 * What a tool's input schema does with {@code format} ({@code date-time}, {@code date},
 * {@code uuid}, {@code email}, …): {@link #ASSERT} refuses a value that does not have the format,
 * {@link #ANNOTATE} takes {@code format} as a hint to the model only, as JSON Schema 2020-12 does
 * by default. Either way the schema a model sees is the same.
 */
public enum FormatChecks {
    /** A value of the wrong format is an INVALID_ARGUMENT violation (the gateway's default). */
    ASSERT,
    /** {@code format} is an annotation: any string of the right type passes; the upstream decides. */
    ANNOTATE;

    /** The default of every tool that does not choose. */
    public static final FormatChecks DEFAULT = ASSERT;

    /** The stored and command-line form: {@code assert} or {@code annotate}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wire()} (any case); empty for anything else. */
    public static Optional<FormatChecks> parse(String text) {
        for (FormatChecks f : values()) {
            if (f.wire().equalsIgnoreCase(text.strip())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
