package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * An existing integration was replaced (re-imported, re-registered) or its settings changed.
 * Published (Micronaut application event) after the row is written; whatever is kept per
 * integration — connection pools and OAuth tokens on a replacement, MCP clients and circuit
 * breakers on either — is dropped and built again from the new row on next use. The catalog names no listener.
 */
public record IntegrationChanged(String tenantId, String integrationId, String name, Change change) {
    /** What changed. */
    public enum Change {
        /** Re-imported or re-registered: its address, credentials or tools may differ. */
        REPLACED,
        /** Only its settings (e.g. resilience overrides): what it connects to is the same. */
        SETTINGS
    }

    public IntegrationChanged {
        requireNonNull(tenantId, "tenantId");
        requireNonNull(integrationId, "integrationId");
        requireNonNull(name, "name");
        requireNonNull(change, "change");
    }

    public static IntegrationChanged of(IntegrationEntity e, Change change) {
        return new IntegrationChanged(e.tenantId(), e.id(), e.name(), change);
    }
}
