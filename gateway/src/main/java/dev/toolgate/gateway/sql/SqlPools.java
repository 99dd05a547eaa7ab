package dev.toolgate.gateway.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolgate.gateway.catalog.IntegrationChanged;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.secrets.SecretChanged;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small connection pool per SQL integration. A pool is rebuilt when what it connects with
 * changes (URL, user, password, size) and the old one is closed once its borrowed connections
 * come back. Pools start empty and never fail to start: a database that is down makes calls
 * fail, and once it is back calls work again without a restart. Thread-safe.
 */
@Singleton
public class SqlPools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqlPools.class);

    /** The longest tool timeout plus a margin: a borrowed connection is back by then. */
    private static final Duration RETIRE_WAIT = Duration.ofMinutes(5).plusSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final Duration acquireTimeout;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public SqlPools(SqlProperties config) {
        this.acquireTimeout = config.acquireTimeout();
    }

    /** A pool, what it was opened with, and the secret holding its password (empty for none). */
    private record Pool(String fingerprint, String tenant, String passwordSecret, String label,
            HikariDataSource dataSource) {
    }

    /**
     * The pool of an integration (by id) for these settings, built on first use.
     *
     * @param label shown in pool thread names and logs: tenant and integration, never a credential
     */
    public DataSource pool(String integrationId, String tenant, String label, SqlConnection connection,
            String password) {
        String fingerprint = Digests.sha256Hex(connection.jdbcUrl() + '\u0000' + connection.user() + '\u0000'
                + password + '\u0000' + connection.poolSize());
        Pool current = pools.get(integrationId);
        if (current != null && current.fingerprint().equals(fingerprint)) {
            return current.dataSource();
        }
        Pool built = pools.compute(integrationId, (id, existing) -> {
            if (existing != null && existing.fingerprint().equals(fingerprint)) {
                return existing;
            }
            if (existing != null) {
                retire(existing, label);
            }
            return new Pool(fingerprint, tenant, connection.passwordSecret(), label, open(label, connection, password));
        });
        return built.dataSource();
    }

    private HikariDataSource open(String label, SqlConnection connection, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("toolgate-sql-" + label);
        config.setJdbcUrl(connection.jdbcUrl());
        config.setUsername(connection.user());
        config.setPassword(password);
        config.setMaximumPoolSize(connection.poolSize());
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
        config.setMaxLifetime(Duration.ofMinutes(30).toMillis());
        config.setConnectionTimeout(acquireTimeout.toMillis());
        config.setValidationTimeout(Math.min(acquireTimeout.toMillis(), 1000));
        config.setInitializationFailTimeout(-1); // never fail at start: the database may come up later
        config.setAutoCommit(false);
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, acquireTimeout.toSeconds())));
        config.addDataSourceProperty("ApplicationName", "toolgate");
        LOG.info("SQL pool for {} opened ({} connections at most)", label, connection.poolSize());
        return new HikariDataSource(config);
    }

    /**
     * Retires a replaced pool off the caller's thread: its idle connections are closed at once,
     * borrowed ones when they come back, and the pool itself once none is borrowed (at the
     * latest after the longest tool timeout), so calls running on it finish normally.
     */
    private static void retire(Pool pool, String label) {
        Thread.ofVirtual().name("toolgate-sql-retire").start(() -> {
            HikariDataSource ds = pool.dataSource();
            var mx = ds.getHikariPoolMXBean();
            if (mx != null) {
                mx.softEvictConnections();
            }
            long giveUp = System.nanoTime() + RETIRE_WAIT.toNanos();
            try {
                Thread.sleep(GRACE.toMillis()); // a caller that just looked the pool up may still borrow
                while (mx != null && mx.getActiveConnections() > 0 && System.nanoTime() < giveUp) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ds.close();
            LOG.info("SQL pool for {} retired (the integration, its settings or its password changed) and closed", label);
        });
    }

    /** The integration was replaced: its pool is retired now rather than at its next call. */
    @EventListener
    void onIntegrationChanged(IntegrationChanged changed) {
        if (changed.change() != IntegrationChanged.Change.REPLACED) {
            return; // its settings say nothing about how to connect
        }
        Pool old = pools.remove(changed.integrationId());
        if (old != null) {
            retire(old, old.label());
        }
    }

    /**
     * A secret was rotated or deleted: pools whose password it held are retired now, so no
     * session opened with the old password outlives it (borrowed connections finish their call).
     */
    @EventListener
    void onSecretChanged(SecretChanged changed) {
        pools.forEach((id, pool) -> {
            if (pool.tenant().equals(changed.tenantId()) && pool.passwordSecret().equals(changed.name())
                    && pools.remove(id, pool)) {
                retire(pool, pool.label());
            }
        });
    }

    @Override
    @PreDestroy
    public void close() {
        pools.values().forEach(p -> p.dataSource().close());
        pools.clear();
    }
}
