package dev.toolgate.observability;

/**
 * Stores call records. Implementations are thread-safe.
 *
 * <p>A call that executes is stored twice: {@link #start} before the upstream is called (so a
 * crash leaves a {@code RUNNING} row, never nothing) and {@link #finish} after. A refused call
 * is stored once, finished, with {@link #start}.
 */
public interface CallRecorder {

    /**
     * Inserts the record.
     *
     * @return false when the tenant already has a call with this call id (nothing is written)
     * @throws CallRecordException when the store fails
     */
    boolean start(CallRecord record);

    /**
     * Updates a started record with its outcome.
     *
     * @throws CallRecordException when the store fails or the call was never started
     */
    void finish(CallRecord record);
}
