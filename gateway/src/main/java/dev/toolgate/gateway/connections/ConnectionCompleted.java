package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

/**
 * A connect link was completed (the user signed in at the upstream, or pasted a key): published on
 * this instance, and announced to the others through the cluster bus, so that the instance holding
 * an MCP client's stream sends {@code notifications/elicitation/complete} for the URL elicitation
 * that carried the link. Carries no credential and not the link itself. Immutable.
 *
 * @param tenant        the link's tenant
 * @param elicitationId the id of the URL elicitation of the link ({@link ConnectedAccounts#elicitationId})
 */
public record ConnectionCompleted(String tenant, String elicitationId) {
    public ConnectionCompleted {
        requireNonNull(tenant, "tenant");
        requireNonNull(elicitationId, "elicitationId");
    }
}
