package dev.toolgate.observability.jdbc;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL these tests write to: {@code TOOLGATE_TEST_DB_URL}, {@code TOOLGATE_TEST_DB_USER}
 * and {@code TOOLGATE_TEST_DB_PASSWORD} as for the gateway's tests (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test} as postgres), in a schema of their own
 * ({@value #SCHEMA}) that the gateway's Flyway migrations create — the real {@code tool_calls}
 * table, not a copy of its definition.
 */
final class TestStore {
    static final String SCHEMA = "observability_test";
    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static volatile boolean migrated;

    private TestStore() {
    }

    /** The test database, migrated, with {@value #SCHEMA} as its search path. */
    static PGSimpleDataSource dataSource() {
        PGSimpleDataSource ds = dataSource(url());
        migrate(ds);
        return ds;
    }

    /** The same database reached through {@code 127.0.0.1:port} (a proxy), with extra parameters. */
    static PGSimpleDataSource viaProxy(int localPort, String extraParameters) {
        URI u = uri();
        String base = "jdbc:postgresql://127.0.0.1:" + localPort + u.getRawPath()
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        PGSimpleDataSource ds = dataSource(base + (base.contains("?") ? "&" : "?") + extraParameters);
        migrate(dataSource(url()));
        return ds;
    }

    static String host() {
        String host = uri().getHost();
        return host == null ? "127.0.0.1" : host;
    }

    static int port() {
        int port = uri().getPort();
        return port < 0 ? 5432 : port;
    }

    /** Rows as maps of lower-case column names. */
    static List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant's rows, oldest first. */
    static List<Map<String, Object>> calls(String tenant) {
        return query("SELECT * FROM tool_calls WHERE tenant_id = ? ORDER BY started_at", tenant);
    }

    private static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(env("TOOLGATE_TEST_DB_USER", "postgres"));
        String password = env("TOOLGATE_TEST_DB_PASSWORD", "");
        if (!password.isEmpty()) {
            ds.setPassword(password);
        }
        ds.setCurrentSchema(SCHEMA);
        return ds;
    }

    private static synchronized void migrate(DataSource ds) {
        if (migrated) {
            return;
        }
        Path migrations = Path.of("..", "gateway", "src", "main", "resources", "db", "migration").toAbsolutePath()
                .normalize();
        if (!Files.isDirectory(migrations)) {
            throw new IllegalStateException("the gateway's migrations are not at " + migrations);
        }
        Flyway.configure().dataSource(ds).schemas(SCHEMA).locations("filesystem:" + migrations).load().migrate();
        migrated = true;
    }

    private static String url() {
        return env("TOOLGATE_TEST_DB_URL", DEFAULT_URL);
    }

    private static URI uri() {
        return URI.create(url().substring("jdbc:".length()));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
