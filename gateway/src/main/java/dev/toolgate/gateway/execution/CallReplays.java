package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Exactly-once by call id. The durable start row is the lock: the first request to insert it
 * executes; a repeated call id waits for that execution (across instances: the row is in the
 * shared database) and is answered with its stored outcome, flagged as a replay. A call id
 * reused for another tool or other arguments is refused. Thread-safe.
 */
@Singleton
final class CallReplays {
    /** Longest wait for a first execution that is still running, within the caller's deadline. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);
    private static final long FIRST_PAUSE_NANOS = Duration.ofMillis(5).toNanos();
    private static final long MAX_PAUSE_NANOS = Duration.ofMillis(200).toNanos();
    private static final int MAX_START_ATTEMPTS = 5;
    /** Longer than any tool timeout (5 min) and retries: a RUNNING row this old lost its gateway. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(6);

    private final CallLog log;
    private final PendingAnswers pending;
    private final Clock clock;

    /** How calls held for confirmation are seen by a repeated call id. */
    interface PendingAnswers {
        /** The answer to a repeat of a call that is still held. */
        CallResult answer(StoredCall first, String tenantId);

        /** Since when a RUNNING call has been running: its start, or its approval for a held call. */
        Instant runningSince(StoredCall first, String tenantId);
    }

    CallReplays(CallLog log, PendingAnswers pending, Clock clock) {
        this.log = requireNonNull(log, "log");
        this.pending = requireNonNull(pending, "pending");
        this.clock = requireNonNull(clock, "clock");
    }

    /** How an execution begins: as a replay of the call id's first one, or as its own execution. */
    record Begun(Optional<CallResult> replay, CallLog.Execution execution) {
    }

    /**
     * Takes the call id's lock (its start row) or replays its first execution. A read-only call
     * needs no lock when the gateway chose its call id (no earlier execution can exist), nor while
     * the database is unreachable: it runs, and its record is written once it ends.
     *
     * @throws CallRefused {@link Refusal#CALL_RECORD_UNAVAILABLE} for a side-effecting call when the
     *         database cannot take its start row: it never runs unrecorded; and as
     *         {@link #startOrReplay}
     */
    Begun begin(CallRecord started, boolean readOnly, boolean generatedId, CallDeadline deadline) {
        CallLog.Execution buffered = CallLog.Execution.buffered(started);
        if (readOnly && (generatedId || !log.storeAvailable())) {
            return new Begun(Optional.empty(), buffered);
        }
        try {
            Optional<CallResult> replay = startOrReplay(started, deadline);
            return new Begun(replay, CallLog.Execution.started(started));
        } catch (CallLog.RecordUnavailable e) {
            if (readOnly) {
                return new Begun(Optional.empty(), buffered);
            }
            throw CallRefused.of(Refusal.CALL_RECORD_UNAVAILABLE, started, e.error());
        }
    }

    /**
     * Starts the execution, or answers with the first one of the same call id.
     *
     * @return empty when this request holds the start row and must execute; otherwise the replay
     * @throws CallRefused (not recorded yet) ALREADY_EXISTS for a call id reused with another tool
     *         or other arguments; ABORTED when the first execution is still running when the wait
     *         ends or was lost
     * @throws CallLog.RecordUnavailable when the call records cannot be read or written
     * @throws GatewayException the first execution's own error when it ended without an answer
     */
    Optional<CallResult> startOrReplay(CallRecord started, CallDeadline deadline) {
        long waitUntil = Math.min(deadline.deadlineNanos(), System.nanoTime() + MAX_WAIT.toNanos());
        long pause = FIRST_PAUSE_NANOS;
        int attempts = 0;
        while (true) {
            if (attempts++ < MAX_START_ATTEMPTS && log.start(started)) {
                return Optional.empty();
            }
            Optional<StoredCall> first = log.lookUp(started);
            if (first.isEmpty()) {
                if (attempts < MAX_START_ATTEMPTS) {
                    continue; // the first was released (never sent) meanwhile: this request may run it
                }
                throw CallRefused.of(Refusal.CALL_ID_CONFLICT, started, GatewayException.aborted("CALL_IN_PROGRESS",
                        "call_id '" + started.callId() + "' is being started and released by other requests; retry"));
            }
            StoredCall s = first.get();
            if (!sameCall(s, started)) {
                String what = !s.agentId().equals(started.agentId()) || !s.userId().equals(started.userId())
                        ? "another call"
                        : s.toolName().equals(started.toolName()) ? "other arguments" : "tool '" + s.toolName() + "'";
                throw CallRefused.of(Refusal.CALL_ID_CONFLICT, started, GatewayException.alreadyExists(
                        "CALL_ID_REUSED", "call_id '" + started.callId() + "' was already used for " + what
                                + "; it is not executed again — send a new call_id for a new call"));
            }
            if (s.pending()) {
                log.replayed(started);
                return Optional.of(pending.answer(s, started.tenantId()));
            }
            if (!s.running()) {
                log.replayed(started);
                return Optional.of(replay(s));
            }
            if (pending.runningSince(s, started.tenantId()).isBefore(clock.instant().minus(ABANDONED_AFTER))) {
                throw CallRefused.of(Refusal.CALL_ID_CONFLICT, started, GatewayException.aborted("CALL_OUTCOME_UNKNOWN",
                        "call_id '" + started.callId() + "' started at " + s.startedAt() + " and its gateway stopped before"
                                + " recording an outcome; it may or may not have run upstream, and it is not run again"
                                + " — check, then use a new call_id"));
            }
            if (System.nanoTime() >= waitUntil) {
                throw CallRefused.of(Refusal.CALL_ID_CONFLICT, started, GatewayException.aborted("CALL_IN_PROGRESS",
                        "call_id '" + started.callId() + "' is still being executed by an earlier request (started "
                                + s.startedAt() + "); send the same call_id again later to get its outcome"));
            }
            sleep(Math.min(pause, Math.max(0, waitUntil - System.nanoTime())));
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }

    /**
     * Same agent, same end user (a call id never answers one user with another's outcome), same tool and same
     * canonical arguments; rows from before digests existed match by tool.
     */
    private static boolean sameCall(StoredCall s, CallRecord started) {
        return s.agentId().equals(started.agentId()) && s.userId().equals(started.userId())
                && s.toolName().equals(started.toolName())
                && (s.argumentsDigest().isEmpty() || s.argumentsDigest().equals(started.argumentsDigest()));
    }

    /** The stored outcome as this request's answer, or the same refusal the first request got. */
    private static CallResult replay(StoredCall s) {
        Map<String, String> meta = Map.of("call_id", s.callId(), "tool", s.toolName(), "replayed", "true");
        String why = "call_id '" + s.callId() + "' already ran and got no answer (" + s.error()
                + "); it is not executed again — send a new call_id to try again";
        return switch (s.status()) {
            case SUCCEEDED, UPSTREAM_ERROR -> new CallResult(s.callId(), s.status(), s.result(), s.isError(),
                    s.upstreamStatus(), s.duration(), s.toolVersion(), s.resultTruncated(), s.startedAt(), true,
                    Optional.empty());
            case TIMEOUT -> throw GatewayException.deadlineExceeded("UPSTREAM_TIMEOUT", why, meta);
            case UPSTREAM_UNAVAILABLE -> throw GatewayException.unavailable("UPSTREAM_UNAVAILABLE", why, meta);
            case DENIED -> throw GatewayException.permissionDenied("CONFIRMATION_DENIED", "call_id '" + s.callId()
                    + "' was not executed: " + s.error(), meta);
            default -> throw GatewayException.aborted("CALL_FAILED", why);
        };
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.aborted("CALL_IN_PROGRESS", "interrupted while waiting for the call id's first"
                    + " execution");
        }
    }
}
