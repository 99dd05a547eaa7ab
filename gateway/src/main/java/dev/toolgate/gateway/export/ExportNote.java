package dev.toolgate.gateway.export;

import static java.util.Objects.requireNonNull;

/**
 * What an export changed or could not give a provider in one tool's definition: a keyword
 * dropped or rewritten to fit the provider's schema subset, a schema trimmed for size, a tool
 * left out of strict mode, or a rule the provider will refuse. Immutable.
 *
 * @param exportedName the tool's exported name, as in the export
 * @param kind         what happened
 * @param message      for a person: the keyword, where (JSON Pointers into the input schema) and why
 */
public record ExportNote(String exportedName, Kind kind, String message) {
    public ExportNote {
        requireNonNull(exportedName, "exportedName");
        requireNonNull(kind, "kind");
        requireNonNull(message, "message");
    }

    public enum Kind {
        /** A keyword the provider does not accept was removed; the gateway still validates it. */
        DROPPED,
        /** A construct was expressed another way the provider accepts (e.g. oneOf as anyOf). */
        REWRITTEN,
        /** An oversized schema was shortened (descriptions, then deep nesting). */
        TRIMMED,
        /** Exported without {@code strict: true}: the schema breaks a strict-mode rule. */
        NOT_STRICT,
        /** Left as it is although the provider's published rules refuse it (e.g. a name). */
        REFUSED
    }

    @Override
    public String toString() {
        return exportedName + ": " + kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
