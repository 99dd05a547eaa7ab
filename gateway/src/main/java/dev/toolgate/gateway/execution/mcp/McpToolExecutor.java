package dev.toolgate.gateway.execution.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.upstream.EchoMasking;
import dev.toolgate.gateway.upstream.IntegrationExecutor;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls a tool of an MCP server: {@code tools/call} with the validated arguments, within the
 * call's deadline, on the integration's pooled session. Progress notifications the server sends
 * for the call become events on its span. Thread-safe.
 */
@Singleton
public class McpToolExecutor implements IntegrationExecutor {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final McpClients clients;
    private final int maxResultChars;
    /** The span of each call in flight, by the progress token sent with it. */
    private final Map<String, Span> inFlight = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong TOKENS = new java.util.concurrent.atomic.AtomicLong();

    public McpToolExecutor(McpClients clients,
            McpProperties config) {
        this.clients = requireNonNull(clients, "clients");
        this.maxResultChars = config.maxResultChars();
        clients.onProgress(this::progress);
    }

    @Override
    public IntegrationKind kind() {
        return IntegrationKind.MCP;
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        return prepare(tool, arguments, "");
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId) {
        IntegrationEntity integration = tool.integration();
        Map<String, Object> args = JsonSupport.mapper().convertValue(arguments, MAP);
        String serverTool = tool.mcpBinding().serverTool();
        PreparedCall call = timeout -> send(integration, serverTool, args, callId, timeout);
        return EchoMasking.wrap(call, clients.echoMask(integration)); // a server may echo its credentials
    }

    private UpstreamResponse send(IntegrationEntity integration, String serverTool, Map<String, Object> args,
            String callId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // every call carries a progress token: it finds the call's span for progress, and its request id
        // when the call is given up (notifications/cancelled)
        String token = (callId.isEmpty() ? "call" : callId) + '@' + TOKENS.incrementAndGet();
        inFlight.put(token, Span.current());
        try {
            for (int attempt = 0; ; attempt++) {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
                McpAsyncClient client = clients.client(integration, left);
                McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder()
                        .name(serverTool).arguments(args).progressToken(token).build();
                try {
                    McpSchema.CallToolResult result = client.callTool(request)
                            .timeout(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))
                            .block();
                    return McpResults.of(result, clients.json(), maxResultChars);
                } catch (RuntimeException e) {
                    Optional<McpError> rpc = McpFailures.rpcError(e);
                    if (rpc.isPresent()) {
                        return McpResults.of(rpc.get());
                    }
                    if (attempt == 0 && McpFailures.sessionGone(e)) {
                        continue; // the server did not know the session, so it did not run the call
                    }
                    boolean interrupted = Thread.currentThread().isInterrupted() || causedBy(e, InterruptedException.class);
                    if (interrupted || causedBy(e, java.util.concurrent.TimeoutException.class)) {
                        // the server may still be working on it: tell it the call is given up
                        clients.cancel(integration, client, token, interrupted ? "the caller cancelled the call"
                                : "the call's deadline passed (" + timeout.toMillis() + " ms)");
                    }
                    RuntimeException failure = McpFailures.of(integration, e, timeout);
                    // a caller that went away (interrupted) says nothing about the server: keep its client
                    if (failure instanceof UpstreamFailure f && !interrupted
                            && (f.kind() == UpstreamFailure.Kind.UNAVAILABLE || StdioServers.isStdio(integration.baseUrl()))) {
                        clients.evict(integration, client); // a stdio server that stopped answering is started again
                    }
                    throw failure;
                } finally {
                    clients.done(integration, client, token);
                }
            }
        } finally {
            inFlight.remove(token);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void progress(McpSchema.ProgressNotification p) {
        Span span = p.progressToken() == null ? null : inFlight.get(String.valueOf(p.progressToken()));
        if (span == null) {
            return;
        }
        var attributes = Attributes.builder().put("mcp.progress", p.progress() == null ? 0 : p.progress());
        if (p.total() != null) {
            attributes.put("mcp.progress.total", p.total());
        }
        if (p.message() != null) {
            attributes.put("mcp.progress.message", p.message());
        }
        span.addEvent("mcp.progress", attributes.build());
    }
}
