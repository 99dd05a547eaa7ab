package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.telemetry.CallSpans;
import dev.toolgate.gateway.telemetry.GatewayMetrics;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;

/**
 * The call path of {@code ExecuteTool}: {@link CallAdmission} (shape, scope, tool, arguments,
 * policy, preparation, audit room, deadline), then a hold for confirmation ({@link HeldCalls}),
 * or the durable start record (or the replay of a call id's first execution, {@link CallReplays})
 * and the upstream call ({@link UpstreamDispatch}). Every call that passed authentication leaves
 * a row, whether it was refused, failed or succeeded: a refusal's row is written here, in one
 * place, with its span status and metric. An upstream is never called unless its start row was
 * written first, nor after the client's deadline has passed. Thread-safe.
 */
@Singleton
public class ToolCallService {
    private final CallAdmission admission;
    private final CallReplays replays;
    private final HeldCalls held;
    private final UpstreamDispatch dispatch;
    private final CallLog log;
    private final CallSpans spans;
    private final GatewayMetrics metrics;
    private final OutputCheck outputs;

    ToolCallService(CallAdmission admission, CallReplays replays, HeldCalls held, UpstreamDispatch dispatch,
            CallLog log, CallSpans spans, GatewayMetrics metrics, OutputCheck outputs) {
        this.outputs = requireNonNull(outputs, "outputs");
        this.admission = requireNonNull(admission, "admission");
        this.replays = requireNonNull(replays, "replays");
        this.held = requireNonNull(held, "held");
        this.dispatch = requireNonNull(dispatch, "dispatch");
        this.log = requireNonNull(log, "log");
        this.spans = requireNonNull(spans, "spans");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /**
     * Executes one call.
     *
     * @return the upstream's answer (success or upstream error)
     * @throws GatewayException for refusals (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     *         ALREADY_EXISTS, FAILED_PRECONDITION), when the upstream gave no answer
     *         (DEADLINE_EXCEEDED, UNAVAILABLE) and when storage is down (UNAVAILABLE)
     */
    public CallResult execute(Principal principal, ExecuteCommand command) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; call tools with a key of the tenant");
        }
        Span span = spans.start(Context.current(), Identifiers.abbreviate(command.tool()));
        span.setAttribute(CallSpans.TENANT, principal.tenantId());
        span.setAttribute(CallSpans.AGENT, principal.agentId());
        if (!command.sessionId().isEmpty()) {
            span.setAttribute(CallSpans.SESSION, Identifiers.abbreviate(command.sessionId()));
        }
        long startNanos = System.nanoTime();
        CallLabels labels = new CallLabels();
        String outcome = "FAILED";
        try (Scope ignored = span.makeCurrent()) {
            CallResult r = executeTraced(principal, command, span, labels);
            outcome = r.status().name();
            spans.content(span, CallSpans.RESULT, labels.tool(), r.resultJson());
            span.setAttribute(CallSpans.STATUS, r.status().name());
            span.setAttribute(CallSpans.REPLAYED, r.replayed());
            if (r.isError()) {
                span.setAttribute(CallSpans.ERROR_TYPE, "upstream_status_" + r.upstreamStatus());
                span.setStatus(StatusCode.ERROR);
            }
            return r;
        } catch (CallRefused refused) { // the one place a refused call is recorded
            log.refused(refused);
            RuntimeException thrown = refused.thrown();
            CallSpans.failed(span, thrown);
            outcome = thrown instanceof GatewayException e ? e.reason() : "FAILED";
            throw thrown;
        } catch (GatewayException e) {
            CallSpans.failed(span, e);
            outcome = e.reason();
            throw e;
        } catch (RuntimeException e) {
            CallSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
            long took = System.nanoTime() - startNanos;
            metrics.call(principal.tenantId(), labels.tool(), outcome, labels.decision(), Duration.ofNanos(took));
            if (labels.upstreamNanos() > 0) {
                metrics.overhead(principal.tenantId(), took - labels.upstreamNanos());
            }
        }
    }

    private CallResult executeTraced(Principal principal, ExecuteCommand command, Span span, CallLabels labels) {
        CallDeadline deadline = dispatch.deadline(command.clientDeadline());
        CallAdmission.Admitted admitted = admission.admit(principal, command, deadline, span, labels);
        if (admitted.confirm().isPresent()) {
            return held.hold(replays, admitted, admitted.confirm().get(), deadline);
        }
        CallRecord started = admitted.call();
        CallReplays.Begun begun = replays.begin(started, admitted.tool().annotations().readOnly(),
                command.callId().isEmpty(), deadline);
        if (begun.replay().isPresent()) {
            return checked(admitted, span, begun.replay().get());
        }
        CallLog.Execution execution = begun.execution();
        return checked(admitted, span, dispatch.send(admitted.tool(), admitted.prepared(), started.callId(), deadline,
                new UpstreamDispatch.Sending() {
                    @Override
                    public void notAdmitted(GatewayException e) {
                        log.release(execution, CallRecord.Outcome.failed(CallStatus.UPSTREAM_UNAVAILABLE,
                                e.getMessage()));
                    }

                    @Override
                    public Optional<CallLog.Execution> admitted(Duration timeout) {
                        if (CallDeadline.tooShort(timeout)) {
                            log.release(execution, CallRecord.Outcome.failed(CallStatus.TIMEOUT,
                                    "client deadline passed before sending"));
                            throw CallAdmission.tooLate(started.callId());
                        }
                        return Optional.of(execution);
                    }

                    @Override
                    public void measured(long upstreamNanos) {
                        labels.upstreamNanos(upstreamNanos);
                    }
                }).orElseThrow()); // this path always sends what it admitted
    }

    /** The answer checked against the tool's output schema; a misfit is marked on the span. */
    private CallResult checked(CallAdmission.Admitted admitted, Span span, CallResult r) {
        CallResult checked = outputs.check(admitted.tool(), r);
        if (!checked.outputWarning().isEmpty()) {
            span.addEvent("toolgate.output_schema_mismatch", io.opentelemetry.api.common.Attributes.of(
                    io.opentelemetry.api.common.AttributeKey.stringKey("toolgate.output.warning"),
                    checked.outputWarning()));
        }
        return checked;
    }
}
