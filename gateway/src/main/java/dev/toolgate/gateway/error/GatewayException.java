package dev.toolgate.gateway.error;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A refusal or fault of the gateway, carrying what the edge needs to build a rich gRPC status.
 * Made by the static factories; skips the stack trace (these are expected outcomes, not bugs).
 * Messages never contain secret values.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final String reason;
    private final List<FieldViolation> violations;
    private final List<String> suggestions;
    private final Map<String, String> metadata;
    private final Optional<Duration> retryAfter;

    private GatewayException(ErrorCode code, String reason, String message, List<FieldViolation> violations,
            List<String> suggestions, Map<String, String> metadata, Throwable cause) {
        this(code, reason, message, violations, suggestions, metadata, cause, Optional.empty());
    }

    private GatewayException(ErrorCode code, String reason, String message, List<FieldViolation> violations,
            List<String> suggestions, Map<String, String> metadata, Throwable cause, Optional<Duration> retryAfter) {
        super(requireNonNull(message, "message"), cause, false, false);
        this.code = requireNonNull(code, "code");
        this.reason = requireNonNull(reason, "reason");
        this.violations = List.copyOf(violations);
        this.suggestions = List.copyOf(suggestions);
        this.metadata = Map.copyOf(metadata);
        this.retryAfter = requireNonNull(retryAfter, "retryAfter");
    }

    private static GatewayException of(ErrorCode code, String reason, String message) {
        return new GatewayException(code, reason, message, List.of(), List.of(), Map.of(), null);
    }

    /** Bad request fields; every violation is reported, not just the first. */
    public static GatewayException invalidArgument(String message, List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("invalidArgument needs at least one violation");
        }
        return new GatewayException(ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT", message, violations, List.of(),
                Map.of(), null);
    }

    public static GatewayException invalidArgument(String field, String message) {
        return invalidArgument(message, List.of(new FieldViolation(field, message)));
    }

    /** An invalid field with a more specific reason than {@code INVALID_ARGUMENT}, e.g. {@code PAGE_TOKEN_INVALID}. */
    public static GatewayException invalidArgument(String reason, String field, String message) {
        return new GatewayException(ErrorCode.INVALID_ARGUMENT, reason, message,
                List.of(new FieldViolation(field, message)), List.of(), Map.of(), null);
    }

    /**
     * RESOURCE_EXHAUSTED {@code REQUEST_TOO_LARGE}: the request message is larger than its
     * method accepts; sending it again will not help (no retry delay).
     */
    public static GatewayException requestTooLarge(String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.RESOURCE_EXHAUSTED, "REQUEST_TOO_LARGE", message, List.of(), List.of(),
                metadata, null);
    }

    /** Unknown resource; {@code suggestions} are close names the caller may have meant. */
    public static GatewayException notFound(String reason, String message, List<String> suggestions) {
        return new GatewayException(ErrorCode.NOT_FOUND, reason, message, List.of(), suggestions, Map.of(), null);
    }

    public static GatewayException alreadyExists(String reason, String message) {
        return of(ErrorCode.ALREADY_EXISTS, reason, message);
    }

    public static GatewayException unauthenticated(String message) {
        return of(ErrorCode.UNAUTHENTICATED, "UNAUTHENTICATED", message);
    }

    /** A credential other than the API key failed (e.g. the end user's token), with its own reason. */
    public static GatewayException unauthenticated(String reason, String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.UNAUTHENTICATED, reason, message, List.of(), List.of(), metadata, null);
    }

    public static GatewayException permissionDenied(String reason, String message) {
        return of(ErrorCode.PERMISSION_DENIED, reason, message);
    }

    public static GatewayException permissionDenied(String reason, String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.PERMISSION_DENIED, reason, message, List.of(), List.of(), metadata, null);
    }

    public static GatewayException failedPrecondition(String reason, String message) {
        return of(ErrorCode.FAILED_PRECONDITION, reason, message);
    }

    public static GatewayException failedPrecondition(String reason, String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.FAILED_PRECONDITION, reason, message, List.of(), List.of(), metadata,
                null);
    }

    /** A quota is used up; the caller may retry after {@code retryAfter} (sent as {@code google.rpc.RetryInfo}). */
    public static GatewayException resourceExhausted(String reason, String message, Map<String, String> metadata,
            Duration retryAfter) {
        return new GatewayException(ErrorCode.RESOURCE_EXHAUSTED, reason, message, List.of(), List.of(), metadata,
                null, Optional.of(requireNonNull(retryAfter, "retryAfter")));
    }

    /** A concurrent change won; retrying the request is safe. */
    public static GatewayException aborted(String reason, String message) {
        return of(ErrorCode.ABORTED, reason, message);
    }

    public static GatewayException deadlineExceeded(String reason, String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.DEADLINE_EXCEEDED, reason, message, List.of(), List.of(), metadata,
                null);
    }

    public static GatewayException unavailable(String reason, String message, Map<String, String> metadata) {
        return new GatewayException(ErrorCode.UNAVAILABLE, reason, message, List.of(), List.of(), metadata, null);
    }

    public static GatewayException internal(String message, Throwable cause) {
        return new GatewayException(ErrorCode.INTERNAL, "INTERNAL", message, List.of(), List.of(), Map.of(), cause);
    }

    /** A fault with a reference id that is logged with the cause; the message has no internals. */
    public static GatewayException internal(String reason, String message, String reference) {
        return new GatewayException(ErrorCode.INTERNAL, reason, message, List.of(), List.of(),
                Map.of("reference", reference), null);
    }

    public static GatewayException unavailable(String reason, String message, String reference) {
        return new GatewayException(ErrorCode.UNAVAILABLE, reason, message, List.of(), List.of(),
                Map.of("reference", reference), null);
    }

    public ErrorCode code() {
        return code;
    }

    /** UPPER_SNAKE_CASE machine-readable reason, as in {@code google.rpc.ErrorInfo.reason}. */
    public String reason() {
        return reason;
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    public List<String> suggestions() {
        return suggestions;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** When the caller may retry, for RESOURCE_EXHAUSTED. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }
}
