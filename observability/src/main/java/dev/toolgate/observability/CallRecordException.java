package dev.toolgate.observability;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** The call record store failed; the message never contains record contents. */
public final class CallRecordException extends RuntimeException {
    public CallRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    public CallRecordException(String message) {
        super(message);
    }

    /**
     * True when the record itself was refused (bad data, a constraint): writing it again will
     * fail again. False for failures of the store (connection, shutdown, timeout), which pass.
     */
    public boolean recordRejected() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("42");
            }
        }
        return false;
    }

    /** True when the store could not be reached (as opposed to refusing one statement). */
    public boolean storeUnreachable() {
        if (getCause() == null) {
            return true; // raised without asking the store: it is known to be unreachable
        }
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                    return true;
                }
            }
        }
        return !recordRejected();
    }
}
