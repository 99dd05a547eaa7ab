package dev.toolgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What the upstream answered.
 *
 * @param status     HTTP status
 * @param resultJson the body as JSON text (non-JSON bodies wrapped)
 * @param truncated  true when the body was cut at the size cap
 * @param retryAfter the upstream's {@code Retry-After}, when it sent one
 * @param isError    the answer is an error: an HTTP status of 400 or more, or an MCP result
 *                   with {@code isError} (which arrives with HTTP 200)
 */
public record UpstreamResponse(int status, String resultJson, boolean truncated, Optional<Duration> retryAfter,
        boolean isError) {
    public UpstreamResponse {
        requireNonNull(resultJson, "resultJson");
        requireNonNull(retryAfter, "retryAfter");
    }

    public UpstreamResponse(int status, String resultJson, boolean truncated, Optional<Duration> retryAfter) {
        this(status, resultJson, truncated, retryAfter, status >= 400);
    }

    public UpstreamResponse(int status, String resultJson, boolean truncated) {
        this(status, resultJson, truncated, Optional.empty());
    }

    /**
     * A {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110 section 10.2.3);
     * empty when absent or unreadable.
     */
    public static Optional<Duration> parseRetryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String v = header.get().strip();
        try {
            if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            }
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
