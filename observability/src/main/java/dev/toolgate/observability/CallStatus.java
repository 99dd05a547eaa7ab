package dev.toolgate.observability;

/** What became of one tool call. Stored by name; never renumber or rename a constant. */
public enum CallStatus {
    /** Accepted and executing; a row left in this state means the gateway stopped mid-call. */
    RUNNING,
    /** The upstream answered with success. */
    SUCCEEDED,
    /** The upstream answered with an error status (HTTP >= 400). */
    UPSTREAM_ERROR,
    /** Refused: the arguments did not match the tool's input schema. */
    INVALID_ARGUMENTS,
    /** Refused: the tenant has no such tool. */
    TOOL_NOT_FOUND,
    /** Refused by scopes or policy. */
    DENIED,
    /** Refused: the call id already executed; the earlier call's row holds its outcome. */
    DUPLICATE_CALL_ID,
    /** Refused: a rate limit of the tenant's policy is used up. */
    RATE_LIMITED,
    /** The upstream did not answer within the deadline. */
    TIMEOUT,
    /** The upstream could not be reached. */
    UPSTREAM_UNAVAILABLE,
    /** The gateway failed (configuration, missing secret, internal fault). */
    FAILED,
    /** Held until a human approves or denies it; its call id is taken. */
    PENDING_CONFIRMATION;

    /** True while the call has no outcome yet (it runs, or waits for a human). */
    public boolean isOpen() {
        return this == RUNNING || this == PENDING_CONFIRMATION;
    }

    /** True when no upstream request was sent. */
    public boolean isRefusal() {
        return this == INVALID_ARGUMENTS || this == TOOL_NOT_FOUND || this == DENIED || this == DUPLICATE_CALL_ID
                || this == RATE_LIMITED;
    }
}
