package dev.toolgate.gateway.execution.mcp;

import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import io.modelcontextprotocol.spec.McpError;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** Turns what the MCP SDK throws into the gateway's failures; messages never carry credentials. */
final class McpFailures {
    private static final String SESSION_GONE = "MCP session with server terminated";

    private McpFailures() {
    }

    /** A JSON-RPC error answer of the server, when that is what {@code e} is. */
    static Optional<McpError> rpcError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof McpError m && m.getJsonRpcError() != null) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** True when the server no longer knew the session (the SDK opens a new one for the next request). */
    static boolean sessionGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(SESSION_GONE)) {
                return true;
            }
        }
        return false;
    }

    /** The failure to report for a call or handshake that got no answer. */
    static RuntimeException of(IntegrationEntity integration, Throwable e, Duration timeout) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof GatewayException g) {
                return g;
            }
            if (t instanceof TimeoutException) {
                return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "the MCP server of integration '"
                        + integration.name() + "' did not answer within " + timeout.toMillis() + " ms");
            }
            root = t;
        }
        if (Thread.currentThread().isInterrupted()) {
            return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the call to the MCP server of integration '"
                    + integration.name() + "' was cancelled");
        }
        String host = StdioServers.isStdio(integration.baseUrl()) ? integration.baseUrl()
                : URI.create(integration.baseUrl()).getAuthority();
        String why = root.getMessage() == null || root.getMessage().isBlank() ? root.getClass().getSimpleName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
        return new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the MCP server of integration '"
                + integration.name() + "' (" + host + ") cannot be reached: " + why
                + "; retry later");
    }
}
