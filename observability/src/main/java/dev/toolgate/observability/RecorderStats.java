package dev.toolgate.observability;

import java.time.Duration;

/**
 * What a buffering {@link CallRecorder} reports about its writer: for metrics, health and tests.
 * Thread-safe; never throws.
 */
public interface RecorderStats {

    /** Records waiting to be written. */
    int backlog();

    /** Records given up: the store rejected them, or the gateway stopped before it came back. */
    long dropped();

    /** False while the store is known to be unreachable. */
    boolean storeAvailable();

    /**
     * Waits until everything queued so far is written, at most {@code timeout}.
     *
     * @return true when the backlog is empty
     */
    boolean flush(Duration timeout);

    /**
     * Waits until the records queued before this call are written, at most {@code timeout} and
     * only while the store is available: what a reader calls to see the calls that finished before
     * it asked.
     *
     * @return true when they are written
     */
    boolean awaitWritten(Duration timeout);
}
