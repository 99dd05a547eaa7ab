package dev.toolgate.gateway.telemetry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value computed in the background every {@code interval} and read from memory: a metric whose
 * source is slow or blocking (a database query) is never computed by the reader — a scrape, which may
 * run on an event loop. Until the first computation ends, {@link #get()} returns the initial value. A
 * computation that throws keeps the previous value. Thread-safe.
 *
 * @param <T> the value's type
 */
public final class RefreshedValue<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshedValue.class);

    private final ScheduledExecutorService scheduler;
    private volatile T value;

    /**
     * Starts refreshing at once, then every {@code interval}.
     *
     * @param name    names the background thread
     * @param initial what {@link #get()} returns before the first computation, never {@code null}
     * @param source  computes the value on the background thread; a {@code null} result is ignored
     * @throws IllegalArgumentException when the interval is not positive
     */
    public RefreshedValue(String name, T initial, Supplier<T> source, Duration interval) {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("refresh interval must be positive, but was " + interval);
        }
        this.value = requireNonNull(initial, "initial");
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.scheduler = s;
        scheduler.scheduleWithFixedDelay(() -> refresh(source), 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void refresh(Supplier<T> source) {
        try {
            T next = source.get();
            if (next != null) {
                value = next;
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot refresh a metric; keeping its previous value: {}", e.toString());
        }
    }

    /** The last computed value (or the initial one); never blocks, never {@code null}. */
    public T get() {
        return value;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
