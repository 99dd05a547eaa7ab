package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Where an integration's tools come from. Stored in {@code integrations.source} as
 * {@link #stored()}.
 */
public enum IntegrationSource {
    /** HTTP tools defined one by one. */
    MANUAL("manual"),
    /** HTTP tools imported from an OpenAPI document; changed only by importing it again. */
    OPENAPI("openapi"),
    /** Queries registered with the SQL integration. */
    SQL("sql"),
    /** Tools synced from an MCP server. */
    MCP("mcp");

    private final String stored;

    IntegrationSource(String stored) {
        this.stored = stored;
    }

    /** The stored form, e.g. {@code openapi}; never {@code null}. */
    public String stored() {
        return stored;
    }

    /**
     * @throws IllegalArgumentException naming the value when no source is stored as {@code value}
     */
    public static IntegrationSource fromStored(String value) {
        requireNonNull(value, "value");
        return Arrays.stream(values()).filter(s -> s.stored.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown integration source '" + value + "'"));
    }
}
