package dev.toolgate.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ToolDefinition;

/** Executes tools of one integration kind. Implementations are thread-safe. */
public interface ToolExecutor {
    /**
     * Builds the upstream request from validated arguments.
     *
     * @throws dev.toolgate.gateway.error.GatewayException INVALID_ARGUMENT for arguments that
     *         cannot be placed in the request, FAILED_PRECONDITION for a missing or unreadable
     *         secret, PERMISSION_DENIED for an internal address the egress rules forbid
     */
    PreparedCall prepare(ToolDefinition tool, JsonNode arguments);

    /**
     * Builds the upstream request of the call with this id (executors that send an idempotency
     * key use it).
     */
    default PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId) {
        return prepare(tool, arguments);
    }

    /**
     * Builds the upstream request of the call with this id, made for the end user {@code userId}
     * (empty: none), with the credentials of {@code scope} only. Executors whose credentials
     * belong to the integration's connection (MCP, SQL) ignore the scope: skills cannot attach
     * secrets to such integrations; executors of integrations that act with the user's own
     * account use {@code userId}.
     */
    default PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId, CredentialScope scope,
            String userId) {
        return prepare(tool, arguments, callId);
    }
}
