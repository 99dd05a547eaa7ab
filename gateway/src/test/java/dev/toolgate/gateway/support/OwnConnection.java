package dev.toolgate.gateway.support;

import io.micronaut.context.env.Environment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A JDBC connection to the test database outside the gateway's pool and transactions: it works
 * while the pool is exhausted, and what it commits is visible to the gateway at once.
 */
public final class OwnConnection {
    private OwnConnection() {
    }

    public static Connection open(Environment env) throws SQLException {
        return DriverManager.getConnection(env.getRequiredProperty("datasources.default.url", String.class),
                env.getProperty("datasources.default.username", String.class, "postgres"),
                env.getProperty("datasources.default.password", String.class, ""));
    }
}
