package dev.toolgate.gateway.telemetry;

import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micronaut.core.order.Ordered;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Reads the caller's W3C trace context ({@code traceparent}, {@code tracestate} metadata) so the
 * call's span continues the agent's trace. Only the standard headers are read; a malformed
 * one is ignored (the call starts a new trace).
 */
@Singleton
public class TraceContextInterceptor implements ServerInterceptor, Ordered {
    private static final io.grpc.Context.Key<Context> PARENT = io.grpc.Context.key("toolgate-trace-parent");
    private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    /** The trace context the caller sent with the current call; the root context when none. */
    public static Context parent() {
        Context parent = PARENT.get();
        return parent == null ? Context.root() : parent;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
        return Contexts.interceptCall(io.grpc.Context.current().withValue(PARENT, parent), call, headers, next);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
