package dev.toolgate.gateway.grpc;

import io.grpc.ServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
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
 * loop. A client cancelling interrupts only the upstream wait ({@code CancellationInterrupts}): an
 * interrupted virtual thread closes the socket it blocks on.
 */
@Singleton
final class ServerExecutor implements BeanCreatedEventListener<ServerBuilder<?>>, AutoCloseable {
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("grpc-call-", 0).factory());

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        // added last, so it runs first: every other interceptor runs on the call's thread
        return event.getBean().directExecutor().intercept(new OneThreadPerCall(calls));
    }

    @Override
    public void close() {
        calls.shutdown();
    }
}
