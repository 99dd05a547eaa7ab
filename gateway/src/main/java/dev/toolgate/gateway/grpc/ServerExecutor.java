package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import io.grpc.ServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs each gRPC call on one virtual thread ({@link OneThreadPerCall}, the outermost interceptor)
 * instead of gRPC's executor, which took a thread from it for each batch of a call's events (its
 * start, its message and half-close, its completion). A call spends most of its life waiting (for
 * the upstream, for a start row); a virtual thread waits without holding a platform thread, and
 * starting one skips a pool's synchronous hand-off, which cost more CPU than the call's own work
 * (docs/benchmarks.md, optimisation 4). The server itself runs on a direct executor: what gRPC
 * does before and after the application (reading the request, its bookkeeping) stays on the event
 * loop. A request is read before authentication only for a key this instance verified lately
 * ({@link Authenticator#isKnownKey}); the administration service's requests (OpenAPI documents) are
 * parsed on a call thread. A client cancelling interrupts only the upstream wait
 * ({@code CancellationInterrupts}): an interrupted virtual thread closes the socket it blocks on.
 */
@Singleton
final class ServerExecutor implements BeanCreatedEventListener<ServerBuilder<?>>, AutoCloseable {
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("grpc-call-", 0).factory());
    private final Authenticator authenticator;

    ServerExecutor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        OneThreadPerCall oneThread = new OneThreadPerCall(calls, Set.of(AdminServiceGrpc.SERVICE_NAME),
                headers -> authenticator.isKnownKey(headers.get(AuthInterceptor.AUTHORIZATION)));
        // added last, so it runs first: every other interceptor runs on the call's thread
        return event.getBean().directExecutor().callExecutor(oneThread).intercept(oneThread);
    }

    @Override
    public void close() {
        calls.shutdown();
    }
}
