package dev.toolgate.gateway.cluster;

import static java.util.Objects.requireNonNull;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases that make a periodic job run on one instance per interval: every instance schedules the
 * job, and each run first takes the job's lease (a {@code cluster_leases} row) for
 * {@code 0.9 × interval}; an instance that finds the lease held by anyone (itself included) and not
 * yet expired skips that run (a lease expiring more than one interval ahead was written by a clock
 * ahead of this one and is taken). When the instance that ran it stops, another takes the lease at its
 * first run after the expiry. Expiry times come from each instance's clock, so clocks must agree
 * within a small fraction of the interval (NTP). Works on PostgreSQL and H2. Thread-safe.
 */
@Singleton
public final class JobLeases {
    private static final Logger LOG = LoggerFactory.getLogger(JobLeases.class);
    private static final String TAKE = "UPDATE cluster_leases SET holder = ?, expires_ms = ? WHERE name = ?"
            + " AND (expires_ms <= ? OR expires_ms > ?)";
    private static final String CREATE = "INSERT INTO cluster_leases (name, holder, expires_ms) VALUES (?, ?, ?)"
            + " ON CONFLICT DO NOTHING";

    private final DataSource dataSource;
    private final Clock clock;
    private final String holder;

    public JobLeases(DataSource dataSource, Clock clock) {
        this(dataSource, clock, UUID.randomUUID().toString());
    }

    /** @param holder this instance's name in the lease rows */
    public JobLeases(DataSource dataSource, Clock clock, String holder) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.clock = requireNonNull(clock, "clock");
        this.holder = requireNonNull(holder, "holder");
    }

    /**
     * Runs {@code job} when this instance takes the lease {@code name} for this interval.
     *
     * @return whether the job ran here
     */
    public boolean runOnce(String name, Duration interval, Runnable job) {
        requireNonNull(job, "job");
        if (!take(name, interval)) {
            return false;
        }
        job.run();
        return true;
    }

    /** Takes the lease {@code name} until {@code 0.9 × interval} from now, unless it is held and not expired. */
    public boolean take(String name, Duration interval) {
        requireNonNull(name, "name");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, but was " + interval);
        }
        long now = clock.millis();
        long expires = now + Math.max(1, interval.toMillis() * 9 / 10);
        try (Connection c = dataSource.getConnection()) {
            boolean taken;
            try (PreparedStatement ps = c.prepareStatement(TAKE)) {
                ps.setString(1, holder);
                ps.setLong(2, expires);
                ps.setString(3, name);
                ps.setLong(4, now);
                ps.setLong(5, now + interval.toMillis()); // written by a clock that was ahead of ours
                taken = ps.executeUpdate() == 1;
            }
            if (!taken) {
                try (PreparedStatement ps = c.prepareStatement(CREATE)) {
                    ps.setString(1, name);
                    ps.setString(2, holder);
                    ps.setLong(3, expires);
                    taken = ps.executeUpdate() == 1;
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return taken;
        } catch (SQLException e) {
            LOG.warn("cannot take the lease of job {}; skipping this run: {}", name, e.getMessage());
            return false;
        }
    }
}
