package dev.toolgate.gateway.validation;

import dev.toolgate.gateway.error.GatewayException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The small pool of platform threads that validates arguments against input schemas
 * ({@code toolgate.arguments.validation-threads}, default 4, see {@link ArgumentsProperties}). Calls
 * run on virtual threads, which share a few carrier threads; CPU-bound validation there would
 * hold a carrier for its whole run, so however costly some tenant's schema and arguments are,
 * at most this many validations run at once and the carriers stay free for other calls (the
 * caller's virtual thread waits without holding one). Thread-safe.
 */
@Singleton
public final class ValidationThreads implements AutoCloseable {
    private final ExecutorService pool;

    @Inject
    public ValidationThreads(ArgumentsProperties config) {
        this(config.validationThreads());
    }

    public ValidationThreads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("toolgate.arguments.validation-threads must be 1..256, but was "
                    + threads);
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "toolgate-validation-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs {@code work} on the pool and waits for it.
     *
     * @throws GatewayException DEADLINE_EXCEEDED {@code CLIENT_GONE} when the caller is
     *     interrupted (cancelled) while waiting; UNAVAILABLE when the gateway is stopping
     */
    public <T> T run(Supplier<T> work) {
        Future<T> result;
        try {
            result = pool.submit(work::get);
        } catch (RejectedExecutionException e) {
            throw GatewayException.unavailable("SHUTTING_DOWN", "the gateway is stopping; retry on another instance",
                    Map.of());
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw GatewayException.deadlineExceeded("CLIENT_GONE",
                    "the call was cancelled while its arguments were validated; nothing was executed", Map.of());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
