package dev.toolgate.gateway.execution;

import dev.toolgate.observability.CallStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of an executed call (the upstream answered, successfully or not).
 *
 * @param replayed the call id had run before: this is that execution's stored outcome
 */
public record CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
        Duration duration, int toolVersion, boolean truncated, Instant startedAt, boolean replayed) {

    public CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
            Duration duration, int toolVersion, boolean truncated, Instant startedAt) {
        this(callId, status, resultJson, isError, upstreamStatus, duration, toolVersion, truncated, startedAt, false);
    }
}
