package dev.toolgate.observability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One tool call as stored: who called what with which arguments, and what became of it.
 * Immutable; built with {@link #builder()}. Text fields are capped by the writer, not here.
 *
 * @param toolVersion     0 when the call was refused before a tool version was resolved
 * @param upstreamStatus  HTTP status of the upstream response, 0 when there was none
 * @param sessionId       empty when the client sent none
 * @param result          upstream result JSON, empty when there was none
 * @param error           the gateway's error message, empty when there was none
 * @param finishedAt      empty while the call is {@link CallStatus#RUNNING}
 * @param policy          the policy decision, {@link PolicyMark#NONE} when the call was refused before one
 * @param argumentsDigest SHA-256 of the canonical arguments (a call id replayed with other arguments
 *                        is refused); empty when the call was refused before they were parsed
 * @param resultTruncated the upstream's result was cut at the gateway's size cap
 * @param traceId         the call's OpenTelemetry trace id (32 hex), empty when tracing is off
 * @param skill           the skill of the key the call ran under; empty for a key without skills
 *                        (tenant-wide) or a call refused before its skill was known
 * @param userId          the end user the agent called for (verified token's subject or asserted id),
 *                        empty when the call named none
 */
public record CallRecord(
        String tenantId,
        String callId,
        String agentId,
        String keyId,
        String sessionId,
        String toolName,
        int toolVersion,
        String arguments,
        CallStatus status,
        int upstreamStatus,
        boolean isError,
        String result,
        String error,
        Instant startedAt,
        Optional<Instant> finishedAt,
        PolicyMark policy,
        String argumentsDigest,
        boolean resultTruncated,
        String traceId,
        String skill,
        String userId) {

    public CallRecord {
        requireNonNull(tenantId, "tenantId");
        requireNonNull(callId, "callId");
        requireNonNull(agentId, "agentId");
        requireNonNull(keyId, "keyId");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(toolName, "toolName");
        requireNonNull(arguments, "arguments");
        requireNonNull(status, "status");
        requireNonNull(result, "result");
        requireNonNull(error, "error");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(finishedAt, "finishedAt");
        requireNonNull(policy, "policy");
        requireNonNull(argumentsDigest, "argumentsDigest");
        requireNonNull(traceId, "traceId");
        requireNonNull(skill, "skill");
        requireNonNull(userId, "userId");
        if (tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId must not be blank");
        }
        if (callId.isBlank()) {
            throw new IllegalArgumentException("callId must not be blank");
        }
        if (toolVersion < 0) {
            throw new IllegalArgumentException("toolVersion must be >= 0, but was " + toolVersion);
        }
        if (upstreamStatus < 0 || upstreamStatus > 999) {
            throw new IllegalArgumentException("upstreamStatus must be 0..999, but was " + upstreamStatus);
        }
        if (status.isOpen() && finishedAt.isPresent()) {
            throw new IllegalArgumentException("a " + status + " call has no finishedAt");
        }
        if (!status.isOpen() && finishedAt.isEmpty()) {
            throw new IllegalArgumentException("a " + status + " call needs finishedAt");
        }
        if (finishedAt.isPresent() && finishedAt.get().isBefore(startedAt)) {
            throw new IllegalArgumentException("finishedAt " + finishedAt.get() + " is before startedAt " + startedAt);
        }
    }

    /** Time from start to finish; zero while running. */
    public Duration duration() {
        return finishedAt.map(f -> Duration.between(startedAt, f)).orElse(Duration.ZERO);
    }

    /** A copy with secrets masked in its arguments and result (see {@link Redactor}). */
    public CallRecord redacted(Redactor redactor) {
        return new CallRecord(tenantId, callId, agentId, keyId, sessionId, toolName, toolVersion,
                redactor.redact(toolName, arguments), status, upstreamStatus, isError, redactor.redact(toolName, result),
                error, startedAt, finishedAt, policy, argumentsDigest, resultTruncated, traceId, skill, userId);
    }

    /** A copy waiting for a human's confirmation. */
    public CallRecord pending() {
        if (status != CallStatus.RUNNING) {
            throw new IllegalStateException("only a started call can wait for confirmation, not a " + status + " one");
        }
        return new CallRecord(tenantId, callId, agentId, keyId, sessionId, toolName, toolVersion, arguments,
                CallStatus.PENDING_CONFIRMATION, 0, false, "", "", startedAt, Optional.empty(), policy, argumentsDigest,
                false, traceId, skill, userId);
    }

    /** A copy that finished with the given outcome. */
    public CallRecord finish(Outcome outcome, Instant at) {
        requireNonNull(outcome, "outcome");
        return new CallRecord(tenantId, callId, agentId, keyId, sessionId, toolName, toolVersion, arguments,
                outcome.status(), outcome.upstreamStatus(), outcome.isError(), outcome.result(), outcome.error(),
                startedAt, Optional.of(requireNonNull(at, "at")), policy, argumentsDigest, outcome.truncated(), traceId,
                skill, userId);
    }

    /**
     * What the tenant's policy decided for a call.
     *
     * @param decision allow, confirm, deny or rate_limited
     * @param rule     the deciding rule or rate limit id ({@code default-deny} when no rule allowed)
     * @param version  the policy version: {@code git:<commit>} or {@code sha256:<hash>}
     */
    public record PolicyMark(String decision, String rule, String version) {
        public static final PolicyMark NONE = new PolicyMark("", "", "");

        public PolicyMark {
            requireNonNull(decision, "decision");
            requireNonNull(rule, "rule");
            requireNonNull(version, "version");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * How a call ended.
     *
     * @param upstreamStatus 0 when no upstream response arrived
     * @param truncated      the result was cut at the gateway's size cap
     */
    public record Outcome(CallStatus status, int upstreamStatus, boolean isError, String result, String error,
            boolean truncated) {
        public Outcome {
            requireNonNull(status, "status");
            requireNonNull(result, "result");
            requireNonNull(error, "error");
            if (status.isOpen()) {
                throw new IllegalArgumentException("an outcome cannot be " + status);
            }
        }

        public static Outcome refused(CallStatus status, String error) {
            if (!status.isRefusal()) {
                throw new IllegalArgumentException("not a refusal: " + status);
            }
            return new Outcome(status, 0, true, "", error, false);
        }

        public static Outcome failed(CallStatus status, String error) {
            return new Outcome(status, 0, true, "", error, false);
        }

        public static Outcome upstream(int httpStatus, String result) {
            return upstream(httpStatus, result, false);
        }

        public static Outcome upstream(int httpStatus, String result, boolean truncated) {
            return upstream(httpStatus, result, truncated, httpStatus >= 400);
        }

        /** An answer that says whether it is an error itself (an MCP result's {@code isError}). */
        public static Outcome upstream(int httpStatus, String result, boolean truncated, boolean isError) {
            return new Outcome(isError ? CallStatus.UPSTREAM_ERROR : CallStatus.SUCCEEDED, httpStatus, isError,
                    result, "", truncated);
        }
    }

    /** Builds a {@link CallStatus#RUNNING} record; finish it with {@link CallRecord#finish}. */
    public static final class Builder {
        private String tenantId;
        private String callId;
        private String agentId = "";
        private String keyId = "";
        private String sessionId = "";
        private String toolName;
        private int toolVersion;
        private String arguments = "";
        private Instant startedAt;
        private PolicyMark policy = PolicyMark.NONE;
        private String argumentsDigest = "";
        private String traceId = "";
        private String skill = "";
        private String userId = "";

        private Builder() {
        }

        public Builder tenantId(String tenantId) {
            this.tenantId = requireNonNull(tenantId, "tenantId");
            return this;
        }

        public Builder callId(String callId) {
            this.callId = requireNonNull(callId, "callId");
            return this;
        }

        public Builder agentId(String agentId) {
            this.agentId = requireNonNull(agentId, "agentId");
            return this;
        }

        public Builder keyId(String keyId) {
            this.keyId = requireNonNull(keyId, "keyId");
            return this;
        }

        public Builder sessionId(String sessionId) {
            this.sessionId = requireNonNull(sessionId, "sessionId");
            return this;
        }

        public Builder toolName(String toolName) {
            this.toolName = requireNonNull(toolName, "toolName");
            return this;
        }

        public Builder toolVersion(int toolVersion) {
            this.toolVersion = toolVersion;
            return this;
        }

        public Builder arguments(String arguments) {
            this.arguments = requireNonNull(arguments, "arguments");
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = requireNonNull(startedAt, "startedAt");
            return this;
        }

        public Builder policy(PolicyMark policy) {
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        public Builder argumentsDigest(String argumentsDigest) {
            this.argumentsDigest = requireNonNull(argumentsDigest, "argumentsDigest");
            return this;
        }

        public Builder traceId(String traceId) {
            this.traceId = requireNonNull(traceId, "traceId");
            return this;
        }

        public Builder skill(String skill) {
            this.skill = requireNonNull(skill, "skill");
            return this;
        }

        public Builder userId(String userId) {
            this.userId = requireNonNull(userId, "userId");
            return this;
        }

        public CallRecord build() {
            return new CallRecord(requireNonNull(tenantId, "tenantId"), requireNonNull(callId, "callId"), agentId,
                    keyId, sessionId, requireNonNull(toolName, "toolName"), toolVersion, arguments,
                    CallStatus.RUNNING, 0, false, "", "", requireNonNull(startedAt, "startedAt"), Optional.empty(), policy,
                    argumentsDigest, false, traceId, skill, userId);
        }
    }
}
