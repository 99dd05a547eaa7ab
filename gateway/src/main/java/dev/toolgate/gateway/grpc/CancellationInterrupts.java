package dev.toolgate.gateway.grpc;

import io.grpc.Context;
import java.util.function.Supplier;

/**
 * Runs a blocking step of an RPC so that the client cancelling the RPC (or its deadline
 * passing) interrupts the thread doing it: the upstream request it waits for is cancelled and
 * the call is recorded as not answered, instead of running on for nobody. The interrupt never
 * outlives the step: after it, the thread's interrupt flag is cleared under the same lock.
 */
final class CancellationInterrupts {
    private CancellationInterrupts() {
    }

    static <T> T run(Supplier<T> step) {
        Context context = Context.current();
        Thread worker = Thread.currentThread();
        Object lock = new Object();
        boolean[] done = {false};
        Context.CancellationListener listener = cancelled -> {
            synchronized (lock) {
                if (!done[0]) {
                    worker.interrupt();
                }
            }
        };
        context.addListener(listener, Runnable::run);
        try {
            return step.get();
        } finally {
            synchronized (lock) {
                done[0] = true;
            }
            context.removeListener(listener);
            Thread.interrupted(); // an interrupt meant for this step stops here
        }
    }
}
