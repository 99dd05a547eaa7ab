package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an integration talks to, and so which executor runs its tools. Stored in
 * {@code integrations.kind} as {@link #stored()}.
 */
public enum IntegrationKind {
    /** An HTTP API, from an OpenAPI document or hand-defined tools. */
    HTTP("http"),
    /** Named parameterised queries against a database. */
    SQL("sql"),
    /** Tools synced from an MCP server. */
    MCP("mcp");

    private final String stored;

    IntegrationKind(String stored) {
        this.stored = stored;
    }

    /** The stored and displayed form, e.g. {@code http}; never {@code null}. */
    public String stored() {
        return stored;
    }

    /** The kind stored as {@code value}; empty for a value this gateway does not know. */
    private static final IntegrationKind[] VALUES = values();

    public static Optional<IntegrationKind> fromStored(String value) {
        requireNonNull(value, "value");
        for (IntegrationKind k : VALUES) { // every call asks: no stream, no copy of values()
            if (k.stored.equals(value)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The stored forms of every kind, e.g. {@code http, sql, mcp}. */
    public static String known() {
        return Arrays.stream(values()).map(IntegrationKind::stored).collect(Collectors.joining(", "));
    }
}
