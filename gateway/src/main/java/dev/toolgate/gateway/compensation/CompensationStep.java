package dev.toolgate.gateway.compensation;

import static java.util.Objects.requireNonNull;

/**
 * One step of a CompensateSession command: the compensation of one succeeded call of the session.
 *
 * @param callId             the original call
 * @param compensationCallId the compensating call's id (empty when no attempt was made)
 * @param attempt            which attempt that is (0 when none)
 * @param error              why the step failed or waits; empty otherwise
 * @param replayed           the compensation had already run (an earlier command): nothing ran now
 */
public record CompensationStep(String callId, String tool, String compensatingTool, String compensationCallId,
        Status status, int attempt, String error, String resultJson, boolean replayed) {

    /** Where a step stands. */
    public enum Status {
        /** The compensating call succeeded (now, or by an earlier command). */
        COMPENSATED,
        /** The compensating call failed or was refused; sending the command again retries it. */
        FAILED,
        /** The compensating call waits for a human (a policy asked for confirmation). */
        PENDING_CONFIRMATION,
        /** Not tried: a later call's compensation (run before it) has not completed. */
        NOT_STARTED,
        /** The call's tool declares no compensation: it is left as it is. */
        NO_COMPENSATION
    }

    public CompensationStep {
        requireNonNull(callId, "callId");
        requireNonNull(tool, "tool");
        requireNonNull(compensatingTool, "compensatingTool");
        requireNonNull(compensationCallId, "compensationCallId");
        requireNonNull(status, "status");
        requireNonNull(error, "error");
        requireNonNull(resultJson, "resultJson");
    }
}
