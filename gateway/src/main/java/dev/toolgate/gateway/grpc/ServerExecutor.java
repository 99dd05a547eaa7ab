package dev.toolgate.gateway.grpc;

import io.grpc.ServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs the gRPC server's call steps (a unary call is a few: its start, its message, its
 * half-close, where the handler runs) on virtual threads instead of the shared cached pool. A
 * call spends most of its life waiting (for the upstream, for a start row); a virtual thread
 * waits without holding a platform thread, and starting one skips the pool's synchronous
 * hand-off, which cost more CPU than the call's own work (docs/benchmarks.md, optimisation 4).
 * A client cancelling interrupts only the upstream wait ({@code CancellationInterrupts}): an
 * interrupted virtual thread closes the socket it blocks on.
 */
@Singleton
final class ServerExecutor implements BeanCreatedEventListener<ServerBuilder<?>>, AutoCloseable {
    private final ExecutorService calls = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("grpc-call-", 0).factory());

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        return event.getBean().executor(calls);
    }

    @Override
    public void close() {
        calls.shutdown();
    }
}
