package dev.toolgate.observability;

/**
 * Stores call records. Implementations are thread-safe.
 *
 * <p>A call that executes is stored twice: {@link #start} with a {@code RUNNING} record before
 * the upstream is called (so a crash leaves a {@code RUNNING} row, never nothing) and
 * {@link #finish} after. A call id executes at most once per tenant. A refused call is stored
 * once, already finished, with {@link #start}; refusals do not use up the call id.
 */
public interface CallRecorder {

    /**
     * Inserts the record.
     *
     * @return false when the record is open ({@code RUNNING} or {@code PENDING_CONFIRMATION}) and
     *         the tenant already has an execution of this call id (nothing is written); always
     *         true for finished records
     * @throws CallRecordException when the store fails
     */
    boolean start(CallRecord record);

    /**
     * Updates a started record with its outcome.
     *
     * @throws CallRecordException when the store fails or the call was never started
     */
    void finish(CallRecord record);

    /**
     * Records the outcome of a started call that was never sent upstream and frees its call id,
     * so the client may use it again.
     *
     * @throws CallRecordException when the store fails or the call was never started
     */
    void release(CallRecord record);

    /**
     * The execution of a call id in a tenant: its outcome once finished (including one written
     * but still queued), {@code RUNNING} while it runs, empty when the id never executed.
     *
     * @throws CallRecordException when the store fails
     */
    java.util.Optional<StoredCall> findExecuted(String tenantId, String callId);

    /**
     * Moves a call held for confirmation to {@code RUNNING}, once: the lock a confirmed call is
     * sent under.
     *
     * @return false when it is no longer held (another request resumed or closed it)
     * @throws CallRecordException when the store fails
     */
    boolean resume(String tenantId, String callId);

    /**
     * Records a finished execution that has no start row: a read-only call run without taking
     * its call id as a lock. Unlike {@link #finish}, the record is inserted, and a buffering
     * implementation may write it later.
     *
     * @throws CallRecordException when the store fails (a buffering implementation keeps it instead)
     */
    default void append(CallRecord finished) {
        if (finished.status().isOpen()) {
            throw new IllegalArgumentException("call " + finished.callId() + " is not finished");
        }
        start(finished);
    }

    /**
     * False when the records waiting to be written have reached the buffer's limit: a call that
     * is not yet running must then be refused, so that nothing runs unrecorded.
     */
    default boolean hasRoom() {
        return true;
    }

    /**
     * Waits at most {@code max} for {@link #hasRoom room}, and only while the store is available:
     * a writer that is merely behind slows callers down instead of refusing them.
     *
     * @return true when there is room
     */
    default boolean awaitRoom(java.time.Duration max) {
        return hasRoom();
    }

    /**
     * False while the store is known to be unreachable (its last write failed and it has not
     * answered since): start rows cannot be written, and an implementation may refuse them at once.
     */
    default boolean storeAvailable() {
        return true;
    }
}
