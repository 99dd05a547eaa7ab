package dev.toolgate.gateway.audit;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.JobLeases;
import io.micronaut.context.annotation.Context;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes call records older than {@code toolgate.calls.retention} (0, the default, keeps them
 * forever), every {@code toolgate.calls.purge-interval}, in batches so the table is never
 * locked for long. Open calls (running, or held for confirmation) are never deleted. With several
 * instances, one of them purges per interval ({@link JobLeases}).
 */
@Context
public class RetentionPurge {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);
    private static final int BATCH = 10_000;
    private static final String DELETE = """
            DELETE FROM tool_calls WHERE id IN (
                SELECT id FROM tool_calls WHERE started_at < ? AND status NOT IN ('RUNNING', 'PENDING_CONFIRMATION')
                LIMIT ?)""";

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;
    private final JobLeases leases;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;

    public RetentionPurge(DataSource dataSource, Clock clock,
            CallsProperties config, JobLeases leases) {
        this.leases = requireNonNull(leases, "leases");
        Duration retention = config.retention();
        Duration interval = config.purgeInterval();
        this.interval = interval;
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.clock = requireNonNull(clock, "clock");
        this.retention = retention;
        if (retention.isZero()) {
            this.scheduler = null;
            return;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("call-record-purge").unstarted(r));
        scheduler.scheduleWithFixedDelay(this::run, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("call records older than {} are deleted every {}", retention, interval);
    }

    private void run() {
        try {
            leases.runOnce("call-record-purge", interval, () -> {
                int deleted = purge(clock.instant().minus(retention));
                if (deleted > 0) {
                    LOG.info("deleted {} call records older than {}", deleted, retention);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("purging old call records failed; trying again at the next interval", e);
        }
    }

    /** Deletes finished call records that started before {@code cutoff}; returns how many. */
    public int purge(Instant cutoff) {
        int total = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(DELETE)) {
            int n;
            do {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                ps.setInt(2, BATCH);
                n = ps.executeUpdate();
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                total += n;
            } while (n == BATCH);
        } catch (SQLException e) {
            throw new IllegalStateException("could not purge call records: " + e.getMessage(), e);
        }
        return total;
    }

    @PreDestroy
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
