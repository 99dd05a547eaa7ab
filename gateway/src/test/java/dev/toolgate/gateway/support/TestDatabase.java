package dev.toolgate.gateway.support;

import java.net.URI;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The PostgreSQL the tests run on: {@code TOOLGATE_TEST_DB_URL}, {@code TOOLGATE_TEST_DB_USER} and
 * {@code TOOLGATE_TEST_DB_PASSWORD}, else {@code jdbc:postgresql://127.0.0.1:5432/test} as postgres
 * with no password (the same defaults as application-test.yml). Tests that need the database's address
 * (a proxy in front of it, a connection of their own) take it from here, never from a literal.
 */
public final class TestDatabase {
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private TestDatabase() {
    }

    public static String url() {
        return env("TOOLGATE_TEST_DB_URL", DEFAULT_URL);
    }

    public static String user() {
        return env("TOOLGATE_TEST_DB_USER", "postgres");
    }

    public static String password() {
        return env("TOOLGATE_TEST_DB_PASSWORD", "");
    }

    public static String host() {
        String host = uri().getHost();
        return host == null ? "127.0.0.1" : host;
    }

    public static int port() {
        int port = uri().getPort();
        return port < 0 ? 5432 : port;
    }

    /** The database name with the query, e.g. {@code /test} or {@code /test?ssl=false}. */
    public static String pathAndQuery() {
        URI u = uri();
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    /** The same database reached through {@code 127.0.0.1:port} (a proxy), with extra parameters. */
    public static String urlVia(int localPort, String extraParameters) {
        String base = "jdbc:postgresql://127.0.0.1:" + localPort + pathAndQuery();
        if (extraParameters == null || extraParameters.isEmpty()) {
            return base;
        }
        return base + (base.contains("?") ? "&" : "?") + extraParameters;
    }

    /** A plain data source for the test database, or for it through a proxy when {@code url} says so. */
    public static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user());
        if (!password().isEmpty()) {
            ds.setPassword(password());
        }
        return ds;
    }

    private static URI uri() {
        return URI.create(url().substring("jdbc:".length()));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
