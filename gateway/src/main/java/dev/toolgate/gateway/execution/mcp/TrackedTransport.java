package dev.toolgate.gateway.execution.mcp;

import static java.util.Objects.requireNonNull;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A client transport that remembers the JSON-RPC id of each {@code tools/call} it sends, by the
 * call's progress token, so the gateway can tell the server that a call was given up
 * ({@code notifications/cancelled} with that id) — the MCP SDK sends none when a request is
 * abandoned. Everything else passes through. Thread-safe.
 */
final class TrackedTransport implements McpClientTransport {
    private static final Logger LOG = LoggerFactory.getLogger(TrackedTransport.class);
    private final McpClientTransport delegate;
    private final Map<String, Object> requestIds = new ConcurrentHashMap<>();

    TrackedTransport(McpClientTransport delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_TOOLS_CALL.equals(request.method())
                && request.params() instanceof McpSchema.CallToolRequest call && call.meta() != null
                && call.meta().get("progressToken") != null) {
            requestIds.put(String.valueOf(call.meta().get("progressToken")), request.id());
        }
        return delegate.sendMessage(message);
    }

    /** The call sent with {@code progressToken} is over (answered or not): its id is forgotten. */
    void done(String progressToken) {
        requestIds.remove(progressToken);
    }

    /**
     * Tells the server that the call sent with {@code progressToken} is given up, without waiting
     * (the caller may be interrupted); a failure to send is logged. Nothing when no such call was sent.
     */
    void cancel(String progressToken, String reason) {
        Object id = requestIds.remove(progressToken);
        if (id == null) {
            return;
        }
        McpSchema.JSONRPCNotification cancelled = new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                "notifications/cancelled", Map.of("requestId", id, "reason", reason));
        delegate.sendMessage(cancelled).timeout(Duration.ofSeconds(10))
                .subscribe(v -> { }, e -> LOG.debug("notifications/cancelled for request {} was not sent: {}", id,
                        e.toString()));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
