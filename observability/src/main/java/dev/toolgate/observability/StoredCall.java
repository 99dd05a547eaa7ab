package dev.toolgate.observability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The stored execution of a call id: what a repeated call with the same id is answered with.
 *
 * @param finishedAt empty while the first execution is still {@link CallStatus#RUNNING}
 * @param skill      the skill the call ran under; empty for a key without skills
 * @param userId     the end user the call was made for, empty when none
 */
public record StoredCall(String callId, CallStatus status, String toolName, int toolVersion, String argumentsDigest,
        int upstreamStatus, boolean isError, String result, boolean resultTruncated, String error, Instant startedAt,
        Optional<Instant> finishedAt, String agentId, String sessionId, CallRecord.PolicyMark policy, String traceId,
        String skill,
        String userId) {

    public StoredCall {
        requireNonNull(callId, "callId");
        requireNonNull(status, "status");
        requireNonNull(toolName, "toolName");
        requireNonNull(argumentsDigest, "argumentsDigest");
        requireNonNull(result, "result");
        requireNonNull(error, "error");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(finishedAt, "finishedAt");
        requireNonNull(agentId, "agentId");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(policy, "policy");
        requireNonNull(traceId, "traceId");
        requireNonNull(skill, "skill");
        requireNonNull(userId, "userId");
    }

    public boolean running() {
        return status == CallStatus.RUNNING;
    }

    public boolean pending() {
        return status == CallStatus.PENDING_CONFIRMATION;
    }

    public Duration duration() {
        return finishedAt.map(f -> Duration.between(startedAt, f)).orElse(Duration.ZERO);
    }

    /** The stored form of a record (redact it first when it is to look as stored). */
    public static StoredCall of(CallRecord r) {
        return new StoredCall(r.callId(), r.status(), r.toolName(), r.toolVersion(), r.argumentsDigest(),
                r.upstreamStatus(), r.isError(), r.result(), r.resultTruncated(), r.error(), r.startedAt(),
                r.finishedAt(), r.agentId(), r.sessionId(), r.policy(), r.traceId(), r.skill(), r.userId());
    }
}
