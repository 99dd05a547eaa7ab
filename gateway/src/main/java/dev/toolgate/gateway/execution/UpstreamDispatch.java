package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.resilience.IntegrationGuard;
import dev.toolgate.gateway.resilience.IntegrationGuards;
import dev.toolgate.gateway.telemetry.GatewayMetrics;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.ToolExecutor;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one way a call reaches its upstream, for direct calls and for approved held ones alike:
 * the executor of the tool's integration kind renders the request; the integration's guard
 * admits it (circuit breaker, bulkhead) and wraps it in its retry policy; the send runs with the
 * time the {@link CallDeadline} leaves, and its outcome (an answer, or the failure to get one)
 * is recorded. Thread-safe.
 */
@Singleton
class UpstreamDispatch {
    private final ToolExecutor executor;
    private final IntegrationGuards guards;
    private final GatewayMetrics metrics;
    private final CallLog log;

    UpstreamDispatch(ToolExecutor executor, IntegrationGuards guards, GatewayMetrics metrics, CallLog log) {
        this.executor = requireNonNull(executor, "executor");
        this.guards = requireNonNull(guards, "guards");
        this.metrics = requireNonNull(metrics, "metrics");
        this.log = requireNonNull(log, "log");
    }

    /** What one path does around the send. */
    interface Sending {
        /** The integration refused to take the call (circuit open, bulkhead full); {@code e} is thrown next. */
        void notAdmitted(GatewayException e);

        /**
         * The integration took the call, with {@code timeout} left for it.
         *
         * @return the execution whose outcome the send records, or empty to leave the call unsent
         */
        Optional<CallLog.Execution> admitted(Duration timeout);

        /** The time the upstream took (all tries), once the send ended, answered or not. */
        void measured(long upstreamNanos);
    }

    /** A deadline for a request that starts now, keeping back the configured margin from the client's. */
    CallDeadline deadline(Optional<Duration> clientDeadline) {
        return CallDeadline.startingNow(clientDeadline, guards.config().deadlineMargin());
    }

    /**
     * Renders the request with the executor of the tool's integration kind, with the credentials of
     * {@code credentials} only; nothing is sent.
     *
     * @throws GatewayException when the request cannot be rendered
     * @throws UpstreamFailure when something it needs from outside (a token endpoint) failed
     */
    PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId, CredentialScope credentials) {
        return executor.prepare(tool, arguments, callId, credentials, "");
    }

    /** As {@link #prepare(ToolDefinition, JsonNode, String, CredentialScope)}, for a call made for the end user {@code userId}. */
    PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId, CredentialScope credentials,
            String userId) {
        return executor.prepare(tool, arguments, callId, credentials, userId);
    }

    /**
     * Sends a prepared call through its integration's guard and records its outcome.
     *
     * @return the upstream's answer; empty when {@link Sending#admitted} left the call unsent
     * @throws GatewayException UNAVAILABLE when the integration refused it (nothing recorded here:
     *         see {@link Sending#notAdmitted}); DEADLINE_EXCEEDED or UNAVAILABLE when the upstream
     *         gave no answer (recorded)
     */
    Optional<CallResult> send(ToolDefinition tool, PreparedCall prepared, String callId, CallDeadline deadline,
            Sending sending) {
        IntegrationGuard guard = guards.of(tool.integration());
        IntegrationGuard.Permit permit;
        try {
            permit = guard.admit(callId);
        } catch (GatewayException e) {
            sending.notAdmitted(e);
            throw e;
        }
        try (permit) {
            Duration timeout = deadline.remaining(tool.timeout());
            Optional<CallLog.Execution> execution = sending.admitted(timeout);
            if (execution.isEmpty()) {
                return Optional.empty();
            }
            boolean safe = guard.retriable(tool.annotations().readOnly(), tool.annotations().idempotent());
            TimedCall timed = new TimedCall(guard.guard(prepared, safe, callId, permit), metrics, tool);
            try {
                return Optional.of(sendAndRecord(tool, timed, execution.get(), timeout, deadline));
            } finally {
                sending.measured(timed.nanos());
            }
        }
    }

    private CallResult sendAndRecord(ToolDefinition tool, PreparedCall prepared, CallLog.Execution execution,
            Duration timeout, CallDeadline deadline) {
        CallRecord started = execution.record();
        try {
            UpstreamResponse response = CancellationWindow.upstream(() -> prepared.send(timeout));
            CallRecord.Outcome outcome = CallRecord.Outcome.upstream(response.status(), response.resultJson(),
                    response.truncated(), response.isError());
            log.finish(execution, outcome);
            return new CallResult(started.callId(), outcome.status(), response.resultJson(), outcome.isError(),
                    response.status(), deadline.elapsed(), tool.version(), response.truncated(), started.startedAt());
        } catch (CancellationWindow.CancelledBeforeSend gone) {
            log.release(execution, CallRecord.Outcome.failed(CallStatus.TIMEOUT, "not sent: " + gone.getMessage()));
            throw GatewayException.deadlineExceeded("CLIENT_GONE", gone.getMessage() + "; nothing was executed",
                    Map.of("call_id", started.callId(), "tool", tool.qualifiedName()));
        } catch (UpstreamFailure f) {
            boolean timedOut = f.kind() == UpstreamFailure.Kind.TIMEOUT;
            log.finish(execution, CallRecord.Outcome.failed(
                    timedOut ? CallStatus.TIMEOUT : CallStatus.UPSTREAM_UNAVAILABLE, f.getMessage()));
            Map<String, String> meta = Map.of("call_id", started.callId(), "tool", tool.qualifiedName());
            throw timedOut
                    ? GatewayException.deadlineExceeded("UPSTREAM_TIMEOUT", f.getMessage(), meta)
                    : GatewayException.unavailable("UPSTREAM_UNAVAILABLE", f.getMessage(), meta);
        } catch (GatewayException e) {
            // the call's credentials ended while it ran (the upstream refused a user's token and the authorization
            // server refused to renew it: revoked): a refusal that says what to do, not an internal error
            log.finish(execution, CallRecord.Outcome.failed(CallStatus.FAILED, e.getMessage()));
            throw e;
        } catch (RuntimeException e) {
            log.finish(execution, CallRecord.Outcome.failed(CallStatus.FAILED,
                    "internal error: " + e.getClass().getSimpleName()));
            throw e;
        }
    }
}
