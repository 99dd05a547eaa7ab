package dev.toolgate.gateway.error;

/** The gateway's refusals and faults; the gRPC edge maps each to one status code. */
public enum ErrorCode {
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    UNAUTHENTICATED,
    PERMISSION_DENIED,
    FAILED_PRECONDITION,
    RESOURCE_EXHAUSTED,
    ABORTED,
    DEADLINE_EXCEEDED,
    UNAVAILABLE,
    INTERNAL
}
