package dev.toolgate.gateway.grpc;

import io.grpc.ServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs every gRPC call on its own virtual thread instead of the shared I/O pool. A call spends
 * most of its life waiting (for the upstream, for a start row); a virtual thread waits without
 * holding a platform thread, and handing a call to it skips the pool's synchronous hand-off,
 * which cost more CPU than the call's own work (docs/benchmarks.md, optimisation 4).
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
