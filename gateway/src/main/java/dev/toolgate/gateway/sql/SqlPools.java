package dev.toolgate.gateway.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toolgate.gateway.core.Digests;
import io.micronaut.context.annotation.Value;
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

    private final Duration acquireTimeout;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public SqlPools(@Value("${toolgate.sql.acquire-timeout:3s}") Duration acquireTimeout) {
        if (acquireTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("toolgate.sql.acquire-timeout must be at least 250ms, but was "
                    + acquireTimeout);
        }
        this.acquireTimeout = acquireTimeout;
    }

    private record Pool(String fingerprint, HikariDataSource dataSource) {
    }

    /**
     * The pool of an integration (by id) for these settings, built on first use.
     *
     * @param label shown in pool thread names and logs: tenant and integration, never a credential
     */
    public DataSource pool(String integrationId, String label, SqlConnection connection, String password) {
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
            return new Pool(fingerprint, open(label, connection, password));
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

    /** Closes a replaced pool off the caller's thread (closing waits for borrowed connections). */
    private static void retire(Pool pool, String label) {
        Thread.ofVirtual().name("toolgate-sql-retire").start(() -> {
            pool.dataSource().close();
            LOG.info("SQL pool for {} replaced (its settings or password changed) and closed", label);
        });
    }

    /** Closes the pool of an integration that is gone. */
    public void forget(String integrationId) {
        Pool removed = pools.remove(integrationId);
        if (removed != null) {
            removed.dataSource().close();
        }
    }

    @Override
    @PreDestroy
    public void close() {
        pools.values().forEach(p -> p.dataSource().close());
        pools.clear();
    }
}
