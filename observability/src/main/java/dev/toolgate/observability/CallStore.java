package dev.toolgate.observability;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where call records are kept: the service-provider interface a {@link CallRecorder} writes
 * through. The JDBC implementation ({@code dev.toolgate.observability.jdbc.JdbcCallStore}) writes
 * the {@code tool_calls} table; the gateway names it only where it wires the recorder.
 * Implementations are thread-safe and hold no state besides their connection and limits.
 */
public interface CallStore {

    /**
     * Inserts the record under {@code rowId} (chosen by the caller, to settle the row later if
     * the answer is lost).
     *
     * @return false when the record is open and the tenant already has an execution of this call id
     * @throws CallRecordException when the store fails or refuses the record
     */
    boolean start(CallRecord record, String rowId);

    /**
     * Updates a started record with its outcome.
     *
     * @throws CallRecordException when the store fails or the call was never started
     */
    void finish(CallRecord record);

    /**
     * Records the outcome of a started call that was never sent upstream and frees its call id.
     *
     * @throws CallRecordException when the store fails or the call was never started
     */
    void release(CallRecord record);

    /**
     * Writes many records at once, all or none: finished records without a start row are
     * inserted, outcomes of started ones update their rows, released ones update and free their
     * call id, settles update their possible start rows or are inserted. Writing the same records
     * again changes nothing.
     *
     * @return the call ids of outcomes whose start row does not exist (nothing to update)
     * @throws CallRecordException when the store fails; then none of them is written
     */
    List<String> writeAll(List<Insert> inserts, List<CallRecord> finishes, List<CallRecord> releases,
            List<Settle> settles);

    /** See {@link CallRecorder#findExecuted}. */
    Optional<StoredCall> findExecuted(String tenantId, String callId);

    /** See {@link CallRecorder#resume}. */
    boolean resume(String tenantId, String callId);

    /** True when the store answers within a short time (two seconds). Never throws. */
    boolean ping();

    /** The record as the store keeps it: secrets masked. */
    CallRecord redact(CallRecord record);

    /** A finished record to insert under a row id chosen once, so that writing it again changes nothing. */
    record Insert(String rowId, CallRecord record) {
        public Insert {
            requireNonNull(rowId, "rowId");
            requireNonNull(record, "record");
            if (record.status().isOpen()) {
                throw new IllegalArgumentException("call " + record.callId() + " is not finished");
            }
        }

        public static Insert of(CallRecord record) {
            return new Insert(UUID.randomUUID().toString(), record);
        }
    }

    /**
     * The outcome of a call whose start rows may or may not exist (their inserts failed without
     * an answer): each existing one is updated and freed; if none exists, the record is inserted
     * under the first id.
     */
    record Settle(List<String> rowIds, CallRecord record) {
        public Settle {
            rowIds = List.copyOf(rowIds);
            requireNonNull(record, "record");
            if (rowIds.isEmpty()) {
                throw new IllegalArgumentException("a settle needs the row ids it may update");
            }
        }
    }
}
