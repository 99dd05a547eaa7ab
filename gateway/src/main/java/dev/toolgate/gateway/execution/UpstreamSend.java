package dev.toolgate.gateway.execution;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import java.time.Duration;
import java.util.Map;

/** The upstream step of an execution, shared by direct calls and confirmed ones. */
final class UpstreamSend {
    private UpstreamSend() {
    }

    /**
     * Sends a started call and records its outcome (an upstream answer, or the failure to get one).
     *
     * @throws GatewayException DEADLINE_EXCEEDED or UNAVAILABLE when the upstream gave no answer
     */
    static CallResult send(CallLog log, ToolDefinition tool, PreparedCall prepared, CallLog.Execution execution,
            Duration timeout, long startNanos) {
        CallRecord started = execution.record();
        try {
            UpstreamResponse response = CancellationWindow.upstream(() -> prepared.send(timeout));
            CallRecord.Outcome outcome = CallRecord.Outcome.upstream(response.status(), response.resultJson(),
                    response.truncated(), response.isError());
            log.finish(execution, outcome);
            return new CallResult(started.callId(), outcome.status(), response.resultJson(), outcome.isError(),
                    response.status(), Duration.ofNanos(System.nanoTime() - startNanos), tool.version(),
                    response.truncated(), started.startedAt());
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
        } catch (RuntimeException e) {
            log.finish(execution, CallRecord.Outcome.failed(CallStatus.FAILED, "internal error: " + e.getClass().getSimpleName()));
            throw e;
        }
    }

}
