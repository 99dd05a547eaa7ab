package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

/**
 * A tenant's secret was stored anew (rotated) or deleted. Published (Micronaut application event)
 * after the row is written; whatever was opened with the old value (SQL connection pools) is
 * closed. The secret's value is never part of the event.
 */
public record SecretChanged(String tenantId, String name) {
    public SecretChanged {
        requireNonNull(tenantId, "tenantId");
        requireNonNull(name, "name");
    }
}
