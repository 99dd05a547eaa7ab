package dev.toolgate.observability;

/** The call record store failed; the message never contains record contents. */
public final class CallRecordException extends RuntimeException {
    public CallRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    public CallRecordException(String message) {
        super(message);
    }
}
