package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.execution.CancellationWindow;
import io.grpc.Context;
import java.util.function.Supplier;

/**
 * Runs a blocking step of an RPC so that the client cancelling the RPC (or its deadline
 * passing) cancels the upstream request the step waits for, and the call is recorded as not
 * answered instead of running on for nobody. Only that wait is interrupted
 * ({@link CancellationWindow}): never a write of the call record.
 */
final class CancellationInterrupts {
    private CancellationInterrupts() {
    }

    static <T> T run(Supplier<T> step) {
        Context context = Context.current();
        try (CancellationWindow window = CancellationWindow.bind()) {
            Context.CancellationListener listener = cancelled -> window.cancel();
            context.addListener(listener, Runnable::run);
            try {
                return step.get();
            } finally {
                context.removeListener(listener);
            }
        }
    }
}
