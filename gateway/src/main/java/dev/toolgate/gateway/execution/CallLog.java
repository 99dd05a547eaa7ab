package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.CallStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import dev.toolgate.observability.StoredCall;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call path's view of the call records: a refusal is written once, finished; an execution
 * is either started (durably, or the call is refused) and finished, or — a read-only call run
 * without the call id lock — recorded once when it ends, by the background writer. Thread-safe.
 */
@Singleton
final class CallLog {
    private static final Logger LOG = LoggerFactory.getLogger(CallLog.class);
    /** The reason of the UNAVAILABLE error when the call records cannot be read or written. */
    private static final String RECORD_UNAVAILABLE = "CALL_RECORD_UNAVAILABLE";

    private final CallRecorder recorder;
    private final Clock clock;

    CallLog(CallRecorder recorder, Clock clock) {
        this.recorder = requireNonNull(recorder, "recorder");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * The record of one execution and how its outcome is stored: as an update of its start row,
     * or (buffered) inserted whole once it ends.
     */
    record Execution(CallRecord record, boolean buffered) {
        Execution {
            requireNonNull(record, "record");
        }

        /** An execution whose start row was written. */
        static Execution started(CallRecord record) {
            return new Execution(record, false);
        }

        /** An execution without a start row: its record is written once, when it ends. */
        static Execution buffered(CallRecord record) {
            return new Execution(record, true);
        }

        String callId() {
            return record.callId();
        }
    }

    /**
     * False when the records waiting for the database have reached the limit and did not drain
     * within {@code max} (no wait while the database is unreachable): refuse new calls.
     */
    boolean awaitRoom(java.time.Duration max) {
        return recorder.awaitRoom(max.isNegative() ? java.time.Duration.ZERO : max);
    }

    /** False while the database is known to be unreachable. */
    boolean storeAvailable() {
        return recorder.storeAvailable();
    }

    /**
     * The call records cannot be read or written (the database is unreachable): thrown where the
     * call path decides what that means for the call (run a read-only one unlocked, refuse the
     * rest). Skips the stack trace.
     */
    static final class RecordUnavailable extends RuntimeException {
        private final GatewayException error;

        RecordUnavailable(GatewayException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

        /** UNAVAILABLE {@code CALL_RECORD_UNAVAILABLE}, as the client is told. */
        GatewayException error() {
            return error;
        }
    }

    /** Records a call that did not reach the upstream: the one place refused calls get their row. */
    void refused(CallRefused refused) {
        record(refused.call(), refused.status(), refused.error());
    }

    private void record(CallRecord call, CallStatus status, GatewayException e) {
        CallRecord.Outcome outcome = status.isRefusal()
                ? CallRecord.Outcome.refused(status, e.getMessage())
                : CallRecord.Outcome.failed(status, e.getMessage());
        try {
            recorder.start(call.finish(outcome, now(call.startedAt())));
        } catch (CallRecordException ex) {
            LOG.error("refused call {} could not be recorded", call.callId(), ex);
        }
    }

    /**
     * Durably records the start of an execution.
     *
     * @return false when the call id already has an execution (nothing written)
     * @throws RecordUnavailable when the row cannot be written
     */
    boolean start(CallRecord started) {
        try {
            return recorder.start(started);
        } catch (CallRecordException e) {
            throw new RecordUnavailable(unavailable(started, e));
        }
    }

    /**
     * The execution of the call's id, if any (a queued outcome counts as written).
     *
     * @throws RecordUnavailable when the records cannot be read
     */
    Optional<StoredCall> lookUp(CallRecord call) {
        try {
            return recorder.findExecuted(call.tenantId(), call.callId());
        } catch (CallRecordException e) {
            LOG.warn("call records of tenant {} cannot be read: {}", call.tenantId(), e.getMessage());
            throw new RecordUnavailable(GatewayException.unavailable(RECORD_UNAVAILABLE,
                    "the gateway cannot read call records right now; retry later", Map.of("call_id", call.callId())));
        }
    }

    /**
     * The execution of the call id, if any (a queued outcome counts as written).
     *
     * @throws GatewayException UNAVAILABLE when the records cannot be read
     */
    Optional<StoredCall> findExecuted(String tenantId, String callId) {
        try {
            return recorder.findExecuted(tenantId, callId);
        } catch (CallRecordException e) {
            LOG.warn("call records of tenant {} cannot be read: {}", tenantId, e.getMessage()); // the writer logs why
            throw GatewayException.unavailable(RECORD_UNAVAILABLE,
                    "the gateway cannot read call records right now; retry later", Map.of("call_id", callId));
        }
    }

    /** Moves a held call to RUNNING, once; false when it is no longer held. */
    boolean resume(String tenantId, String callId) {
        try {
            return recorder.resume(tenantId, callId);
        } catch (CallRecordException e) {
            LOG.error("held call {} of tenant {} cannot be resumed", callId, tenantId, e);
            throw GatewayException.unavailable(RECORD_UNAVAILABLE, "the gateway cannot record calls right now;"
                    + " nothing was executed, confirm again later", Map.of("call_id", callId));
        }
    }

    /** Records a repeated call id that was answered with its first execution's outcome. */
    void replayed(CallRecord call) {
        record(call, CallStatus.DUPLICATE_CALL_ID, GatewayException.alreadyExists("REPLAYED",
                "answered with the outcome of the call id's first execution; not executed again"));
    }

    private static GatewayException unavailable(CallRecord call, CallRecordException e) {
        // one line per call: the cause is logged once by the record writer and the connection pool
        LOG.warn("call {} not executed: the call records cannot be read or written: {}", call.callId(), e.getMessage());
        return GatewayException.unavailable(RECORD_UNAVAILABLE,
                "the gateway cannot record calls right now; nothing was executed, retry later",
                Map.of("call_id", call.callId()));
    }

    /** Records an execution that was not sent after all; a started one frees its call id for a retry. */
    void release(Execution execution, CallRecord.Outcome outcome) {
        if (execution.buffered()) {
            finish(execution, outcome);
        } else {
            release(execution.record(), outcome);
        }
    }

    /** Records the outcome of an execution; a failure to do so is logged, never thrown. */
    void finish(Execution execution, CallRecord.Outcome outcome) {
        if (!execution.buffered()) {
            finish(execution.record(), outcome);
            return;
        }
        CallRecord started = execution.record();
        try {
            recorder.append(started.finish(outcome, now(started.startedAt())));
        } catch (CallRecordException e) {
            LOG.error("call {} executed but its record could not be stored", started.callId(), e);
        }
    }

    /** Records that a started call was not sent after all, and frees its call id for a retry. */
    void release(CallRecord started, CallRecord.Outcome outcome) {
        try {
            recorder.release(started.finish(outcome, now(started.startedAt())));
        } catch (CallRecordException e) {
            LOG.error("call {} was not sent but its record could not be updated (row stays RUNNING)",
                    started.callId(), e);
        }
    }

    /** Records the outcome of a started execution; a failure to do so is logged, never thrown. */
    void finish(CallRecord started, CallRecord.Outcome outcome) {
        try {
            recorder.finish(started.finish(outcome, now(started.startedAt())));
        } catch (CallRecordException e) {
            LOG.error("call {} executed but its outcome could not be recorded (row stays RUNNING)",
                    started.callId(), e);
        }
    }

    private Instant now(Instant startedAt) {
        Instant now = clock.instant();
        return now.isBefore(startedAt) ? startedAt : now;
    }
}
