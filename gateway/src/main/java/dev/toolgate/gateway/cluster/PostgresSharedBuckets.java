package dev.toolgate.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Digests;
import dev.toolgate.policy.RateLimit;
import dev.toolgate.policy.SharedBuckets;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate-limit token buckets in PostgreSQL ({@code rate_limit_buckets}), shared by every instance:
 * taking tokens is one atomic {@code INSERT … ON CONFLICT DO UPDATE … WHERE tokens ≥ n} on the
 * database's clock, so N instances together allow what one would, with no overshoot beyond the
 * limit's own refill. A take is one transaction with {@code synchronous_commit} off (three round
 * trips, no wait for the disk); a refusal costs a second statement (the wait). A busy bucket does
 * not pay that per call: this instance takes tokens in batches that follow its demand and hands them
 * to its calls from memory ({@link TokenLeases}: at most 256 or a tenth of the burst, unused ones
 * returned within one and a half seconds), and a busy lease fetches its next batch in the background
 * while its calls use the rest of the last one. Rows of buckets that have
 * refilled completely are deleted every {@value #PURGE_MINUTES} minutes by one instance
 * ({@link JobLeases}). Used only on PostgreSQL with {@code toolgate.cluster.shared-rate-limits}
 * true ({@link #active()}). Thread-safe.
 */
@Singleton
public final class PostgresSharedBuckets implements SharedBuckets {
    static final int PURGE_MINUTES = 5;
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSharedBuckets.class);
    private static final String NOW_MS = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)";
    private static final String TAKE = """
            INSERT INTO rate_limit_buckets AS b (bucket_key, tokens, updated_ms, full_at_ms)
            SELECT ?, CAST(? AS DOUBLE PRECISION) - CAST(? AS DOUBLE PRECISION), t.now, t.now + CAST(? AS DOUBLE PRECISION)
              FROM (SELECT CAST(%1$s AS DOUBLE PRECISION) AS now) t
            ON CONFLICT (bucket_key) DO UPDATE
               SET tokens = LEAST(CAST(? AS DOUBLE PRECISION),
                                  b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms) * CAST(? AS DOUBLE PRECISION))
                            - CAST(? AS DOUBLE PRECISION),
                   updated_ms = GREATEST(b.updated_ms, EXCLUDED.updated_ms),
                   full_at_ms = GREATEST(b.full_at_ms, EXCLUDED.updated_ms) + CAST(? AS DOUBLE PRECISION)
             WHERE LEAST(CAST(? AS DOUBLE PRECISION),
                         b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms) * CAST(? AS DOUBLE PRECISION))
                   >= CAST(? AS DOUBLE PRECISION)
            RETURNING b.tokens""".formatted(NOW_MS);
    private static final String AVAILABLE = "SELECT LEAST(CAST(? AS DOUBLE PRECISION), tokens + GREATEST(0, CAST("
            + NOW_MS + " AS DOUBLE PRECISION) - updated_ms) * CAST(? AS DOUBLE PRECISION)) FROM rate_limit_buckets"
            + " WHERE bucket_key = ?";
    private static final String GIVE_BACK = "UPDATE rate_limit_buckets SET tokens = LEAST(CAST(? AS DOUBLE PRECISION),"
            + " tokens + CAST(? AS DOUBLE PRECISION)), full_at_ms = GREATEST(updated_ms, full_at_ms - CAST(? AS DOUBLE PRECISION))"
            + " WHERE bucket_key = ?";
    private static final String PURGE = "DELETE FROM rate_limit_buckets WHERE full_at_ms < CAST(" + NOW_MS
            + " AS DOUBLE PRECISION)";

    private final DataSource dataSource;
    private final boolean active;
    private final TokenLeases leases;
    private final ScheduledExecutorService purger;
    private final Executor refills;

    @jakarta.inject.Inject
    public PostgresSharedBuckets(DataSource dataSource, PostgresClusterBus bus, ClusterProperties config,
            JobLeases leases) {
        this(dataSource, bus, config, leases, System::nanoTime, true,
                Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("rate-limit-refill").factory()));
    }

    /**
     * @param sweep   whether a timer returns aged leases' tokens (tests call {@link #returnAgedLeases()} instead)
     * @param refills runs the fetches of leases refilled ahead; shut down at {@link #close()} when it is an
     *                {@link ExecutorService}
     */
    PostgresSharedBuckets(DataSource dataSource, PostgresClusterBus bus, ClusterProperties config, JobLeases jobs,
            LongSupplier nanoTime, boolean sweep, Executor refills) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.active = config.sharedRateLimits() && bus.onPostgres();
        this.leases = new TokenLeases(new TokenLeases.Store() {
            @Override
            public TokenLeases.Take take(String key, RateLimit limit, int wanted, int returning) {
                return PostgresSharedBuckets.this.take(key, limit, wanted, returning);
            }

            @Override
            public void giveBack(String key, RateLimit limit, int tokens) {
                PostgresSharedBuckets.this.giveBack(key, limit, tokens);
            }
        }, nanoTime, refills);
        this.refills = refills;
        if (!active) {
            this.purger = null;
            return;
        }
        Duration interval = Duration.ofMinutes(PURGE_MINUTES);
        this.purger = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("rate-bucket-purge").unstarted(r));
        purger.scheduleWithFixedDelay(() -> {
            try {
                jobs.runOnce("rate-bucket-purge", interval, this::purgeFull);
            } catch (RuntimeException e) {
                LOG.warn("deleting refilled rate-limit buckets failed; trying again in {} minutes: {}", PURGE_MINUTES,
                        e.getMessage());
            }
        }, PURGE_MINUTES, PURGE_MINUTES, TimeUnit.MINUTES);
        long sweepMs = TokenLeases.TTL.toMillis() / 2;
        if (!sweep) {
            return;
        }
        purger.scheduleWithFixedDelay(() -> {
            try {
                leases.returnAged();
            } catch (RuntimeException e) {
                LOG.warn("returning unused rate-limit tokens failed; trying again in {} ms: {}", sweepMs, e.getMessage());
            }
        }, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
    }

    /** Whether the gateway's rate limits use these buckets (PostgreSQL and {@code toolgate.cluster.shared-rate-limits}). */
    public boolean active() {
        return active;
    }

    @Override
    public long tryTake(String key, RateLimit limit) {
        return leases.tryTake(key, limit);
    }

    @Override
    public void giveBack(String key, RateLimit limit) {
        leases.giveBack(key, limit);
    }

    /** Takes tokens in one transaction: first gives {@code returning} back, then {@code wanted} or else one. */
    private TokenLeases.Take take(String key, RateLimit limit, int wanted, int returning) {
        String row = rowKey(key);
        double perMs = limit.ratePerNano() * 1e6;
        try (Connection c = dataSource.getConnection()) {
            begin(c);
            if (returning > 0) {
                giveBack(c, row, limit, returning);
            }
            int taken = wanted > 1 && take(c, row, limit, perMs, wanted) ? wanted : 0;
            if (taken == 0 && take(c, row, limit, perMs, 1)) {
                taken = 1;
            }
            long waitNanos = 0;
            if (taken == 0) {
                try (PreparedStatement ps = c.prepareStatement(AVAILABLE)) {
                    ps.setDouble(1, limit.burst());
                    ps.setDouble(2, perMs);
                    ps.setString(3, row);
                    try (ResultSet rs = ps.executeQuery()) {
                        double available = rs.next() ? rs.getDouble(1) : 0;
                        waitNanos = Math.max(1, (long) Math.ceil((1 - available) / limit.ratePerNano()));
                    }
                }
            }
            commit(c);
            return new TokenLeases.Take(taken, waitNanos);
        } catch (SQLException e) {
            throw new IllegalStateException("rate-limit bucket of limit '" + limit.id() + "': " + e.getMessage(), e);
        }
    }

    private static boolean take(Connection c, String row, RateLimit limit, double perMs, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE)) {
            ps.setString(1, row);
            ps.setDouble(2, limit.burst());
            ps.setDouble(3, n);
            ps.setDouble(4, n / perMs);
            ps.setDouble(5, limit.burst());
            ps.setDouble(6, perMs);
            ps.setDouble(7, n);
            ps.setDouble(8, n / perMs);
            ps.setDouble(9, limit.burst());
            ps.setDouble(10, perMs);
            ps.setDouble(11, n);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private void giveBack(String key, RateLimit limit, int tokens) {
        try (Connection c = dataSource.getConnection()) {
            begin(c);
            giveBack(c, rowKey(key), limit, tokens);
            commit(c);
        } catch (SQLException e) {
            throw new IllegalStateException("rate-limit bucket of limit '" + limit.id() + "': " + e.getMessage(), e);
        }
    }

    private static void giveBack(Connection c, String row, RateLimit limit, int tokens) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(GIVE_BACK)) {
            ps.setDouble(1, limit.burst());
            ps.setDouble(2, tokens);
            ps.setDouble(3, tokens / (limit.ratePerNano() * 1e6));
            ps.setString(4, row);
            ps.executeUpdate();
        }
    }

    /** Unused tokens of the bucket this instance holds in its lease (for tests). */
    int leasedTokens(String key) {
        return leases.held(key);
    }

    /** Gives the unused tokens of this instance's aged leases back (about once a second). */
    int returnAgedLeases() {
        return leases.returnAged();
    }

    /** Deletes the rows of buckets that are full again (a missing row is a full bucket); returns how many. */
    public int purgeFull() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PURGE)) {
            int n = ps.executeUpdate();
            commit(c);
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete refilled rate-limit buckets: " + e.getMessage(), e);
        }
    }

    /** The row's key: a digest of the bucket's name (which may hold any character, NUL included). */
    private static String rowKey(String key) {
        return Digests.sha256Hex(key);
    }

    /**
     * Starts a transaction whose commit does not wait for the WAL flush: a counter lost in a
     * database crash only gives a few calls back, and waiting for the disk costs milliseconds a call.
     */
    private static void begin(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit TO OFF");
        }
    }

    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
            c.setAutoCommit(true);
        }
    }

    @PreDestroy
    public void close() {
        if (refills instanceof ExecutorService pool) { // fetches under way join their leases first
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS); // a fetch may wait for its lease, then the database
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (purger != null) {
            purger.shutdownNow();
            try {
                leases.returnAll();
            } catch (RuntimeException e) {
                LOG.warn("could not return unused rate-limit tokens at close (they refill with the bucket): {}",
                        e.getMessage());
            }
        }
    }
}
