package dev.toolgate.gateway.core;

import java.sql.SQLException;

/** Recognises failures of the database behind the gateway, whatever layer wrapped them. */
public final class StorageFailures {
    private StorageFailures() {
    }

    /** True when a database constraint refused a write (SQLSTATE class 23), e.g. a concurrent insert won. */
    public static boolean isConstraintViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code e} or one of its causes is a JDBC or data-access failure. */
    public static boolean isStorageFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException
                    || t instanceof io.micronaut.data.exceptions.DataAccessException
                    || t instanceof io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException
                    || t instanceof io.micronaut.transaction.exceptions.TransactionException) {
                return true;
            }
        }
        return false;
    }
}
