package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * The time one request may spend: measured from its start on the monotonic clock, up to the
 * client's gRPC deadline (when it set one) less a margin kept back to answer before that
 * deadline passes, and never more than the tool's own timeout. Immutable.
 *
 * @param startNanos    {@link System#nanoTime()} when the request began
 * @param deadlineNanos {@link System#nanoTime()} of the client's deadline; {@link Long#MAX_VALUE} without one
 * @param margin        kept back from the client's deadline
 */
record CallDeadline(long startNanos, long deadlineNanos, Duration margin) {
    /** Less than this left and the upstream is not called. */
    static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    CallDeadline {
        requireNonNull(margin, "margin");
    }

    /** A deadline that starts now. */
    static CallDeadline startingNow(Optional<Duration> clientDeadline, Duration margin) {
        long start = System.nanoTime();
        return new CallDeadline(start, clientDeadline.map(d -> start + d.toNanos()).orElse(Long.MAX_VALUE), margin);
    }

    /** The upstream timeout left now: the tool's timeout, or less when the client's deadline is nearer. */
    Duration remaining(Duration toolTimeout) {
        if (deadlineNanos == Long.MAX_VALUE) {
            return toolTimeout;
        }
        Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime()).minus(margin);
        return left.compareTo(toolTimeout) < 0 ? left : toolTimeout;
    }

    /** Too little time to call an upstream. */
    static boolean tooShort(Duration timeout) {
        return timeout.compareTo(MIN_TIMEOUT) < 0;
    }

    /** Time since the request began. */
    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
