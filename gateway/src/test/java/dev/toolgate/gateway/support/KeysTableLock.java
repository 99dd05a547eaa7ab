package dev.toolgate.gateway.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Holds {@code ACCESS EXCLUSIVE} on {@code api_keys} until closed: any query of the keys table
 * waits meanwhile, so a request answered while the lock is held provably read no key row.
 */
public final class KeysTableLock implements AutoCloseable {
    private final Connection connection;

    private KeysTableLock(Connection connection) {
        this.connection = connection;
    }

    /** Locks through {@code c}, which this lock closes. */
    public static KeysTableLock hold(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
        }
        return new KeysTableLock(c);
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.rollback();
        } finally {
            connection.close();
        }
    }
}
