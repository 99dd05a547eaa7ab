package dev.toolgate.gateway.execution;

import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.observability.CallStatus;

/**
 * Why a call was refused before it reached its upstream, in the order the call path checks:
 * each reason names one stage of {@link CallAdmission} (or of the start of an execution), and
 * says which status the call's row gets. The error the client sees (code, reason text,
 * details) is the {@link dev.toolgate.gateway.error.GatewayException} the refusal carries.
 */
enum Refusal {
    /** call_id, session_id or tool name malformed. */
    MALFORMED_REQUEST(CallStatus.INVALID_ARGUMENTS),
    /** The key lacks {@code tools:call}. */
    MISSING_SCOPE(CallStatus.DENIED),
    /** The call names a skill its key is not assigned. */
    SKILL_NOT_ASSIGNED(CallStatus.DENIED),
    /**
     * The end user the call names is not accepted: its token failed verification, the key may not
     * assert a user id, or the identity provider could not be reached (DENIED, or FAILED when unavailable).
     */
    USER_NOT_ACCEPTED,
    /** No such tool in the tenant's catalog, or none the key's skills include (the same answer). */
    TOOL_NOT_FOUND(CallStatus.TOOL_NOT_FOUND),
    /** The named skill does not include the tool, or several skills of the key do and none is named. */
    SKILL_NOT_CHOSEN,
    /** arguments_json is no JSON object within the size and depth limits. */
    UNREADABLE_ARGUMENTS,
    /** A policy rule denies the call. */
    POLICY_DENIED(CallStatus.DENIED),
    /** The policy hides the tool from this agent whatever its arguments (e.g. after a policy reload). */
    TOOL_NOT_AVAILABLE(CallStatus.DENIED),
    /** A policy rate limit is used up. */
    RATE_LIMITED(CallStatus.RATE_LIMITED),
    /** The arguments do not match the tool's input schema. */
    SCHEMA_VIOLATION(CallStatus.INVALID_ARGUMENTS),
    /** The executor cannot render the request (binding, egress, credentials, unknown kind). */
    NOT_PREPARABLE,
    /** What preparing needs from outside (e.g. an OAuth token endpoint) did not answer. */
    PREPARE_UPSTREAM_UNAVAILABLE(CallStatus.UPSTREAM_UNAVAILABLE),
    /** The gateway's storage failed while preparing. */
    STORAGE_UNAVAILABLE(CallStatus.FAILED),
    /** A fault (bug) while preparing: recorded as INTERNAL, the fault itself is thrown. */
    PREPARE_FAULT(CallStatus.FAILED),
    /** The audit writer is too far behind to take another call. */
    AUDIT_BACKLOG_FULL(CallStatus.FAILED),
    /** The client's deadline leaves no time to call the upstream. */
    DEADLINE_TOO_SHORT(CallStatus.TIMEOUT),
    /** A side-effecting call's start row cannot be written. */
    CALL_RECORD_UNAVAILABLE(CallStatus.FAILED),
    /** The call id is taken by another call, or its first execution is still running or was lost. */
    CALL_ID_CONFLICT(CallStatus.DUPLICATE_CALL_ID);

    private final CallStatus status;
    private final boolean byErrorCode;

    Refusal(CallStatus status) {
        this.status = status;
        this.byErrorCode = false;
    }

    /** The row's status follows the error's code (see {@link #status(ErrorCode)}). */
    Refusal() {
        this.status = CallStatus.FAILED;
        this.byErrorCode = true;
    }

    /**
     * The status of the refused call's row: fixed per reason, or — for errors raised by parsers
     * and executors — INVALID_ARGUMENTS, DENIED or FAILED by the error's code.
     */
    CallStatus status(ErrorCode code) {
        if (!byErrorCode) {
            return status;
        }
        return switch (code) {
            case INVALID_ARGUMENT -> CallStatus.INVALID_ARGUMENTS;
            case PERMISSION_DENIED, UNAUTHENTICATED -> CallStatus.DENIED;
            default -> CallStatus.FAILED;
        };
    }
}
