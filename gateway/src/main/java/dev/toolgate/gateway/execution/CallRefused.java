package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;

/**
 * A call refused before it reached its upstream, not yet recorded: the call path catches it in
 * one place ({@link ToolCallService}), writes the refused call's row, marks the span and counts
 * the metric, then throws {@link #thrown()}. Never leaves the {@code execution} package. Skips
 * the stack trace.
 */
final class CallRefused extends RuntimeException {
    private final Refusal refusal;
    private final CallRecord call;
    private final GatewayException error;
    private final RuntimeException thrown;

    private CallRefused(Refusal refusal, CallRecord call, GatewayException error, RuntimeException thrown) {
        super(error.getMessage(), null, false, false);
        this.refusal = requireNonNull(refusal, "refusal");
        this.call = requireNonNull(call, "call");
        this.error = error;
        this.thrown = requireNonNull(thrown, "thrown");
    }

    /** A refusal whose error is both recorded and thrown. */
    static CallRefused of(Refusal refusal, CallRecord call, GatewayException error) {
        return new CallRefused(refusal, call, requireNonNull(error, "error"), error);
    }

    /** A fault: {@code recorded} goes into the row, the fault itself is thrown on. */
    static CallRefused fault(Refusal refusal, CallRecord call, GatewayException recorded, RuntimeException fault) {
        return new CallRefused(refusal, call, requireNonNull(recorded, "recorded"), fault);
    }

    Refusal refusal() {
        return refusal;
    }

    /** The call as far as it was known when refused. */
    CallRecord call() {
        return call;
    }

    /** The error the row records. */
    GatewayException error() {
        return error;
    }

    /** The status of the row. */
    CallStatus status() {
        return refusal.status(error.code());
    }

    /** What the caller gets: {@link #error()}, or for a fault the fault itself. */
    RuntimeException thrown() {
        return thrown;
    }
}
