package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.JobLeases;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Inject;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code toolgate.confirmations.sweep-interval} (1m) closes the confirmations that expired
 * without anyone reading them ({@link HeldCalls#sweep(int)}), so their unmasked arguments do not
 * stay in the table until someone asks. With several instances, one of them sweeps per interval
 * ({@link JobLeases}). A failed sweep is logged and tried again at the next interval. Thread-safe.
 */
@Context
public class ExpiredConfirmationSweep {
    /** Confirmations handled per kind and round; a round repeats while it finds a full batch. */
    static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ExpiredConfirmationSweep.class);

    private final HeldCalls held;
    private final ScheduledExecutorService scheduler;
    private final JobLeases leases;
    private final Duration interval;

    @Inject
    public ExpiredConfirmationSweep(HeldCalls held, ConfirmationsProperties confirmations, JobLeases leases) {
        this(held, confirmations.sweepInterval(), leases);
    }

    public ExpiredConfirmationSweep(HeldCalls held, Duration interval, JobLeases leases) {
        this.held = requireNonNull(held, "held");
        this.leases = requireNonNull(leases, "leases");
        this.interval = interval;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("toolgate.confirmations.sweep-interval must be positive, but was "
                    + interval);
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("confirmation-sweep").unstarted(r));
        scheduler.scheduleWithFixedDelay(this::run, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            leases.runOnce("confirmation-sweep", interval, this::sweep);
        } catch (RuntimeException e) {
            LOG.warn("closing expired confirmations failed; trying again at the next interval: {}", e.getMessage());
        }
    }

    /** Closes every confirmation expired by now; returns how many were looked at. */
    public int sweep() {
        int total = 0;
        int n;
        do {
            n = held.sweep(BATCH);
            total += n;
        } while (n >= BATCH);
        return total;
    }

    @PreDestroy
    public void close() {
        scheduler.shutdownNow();
    }
}
