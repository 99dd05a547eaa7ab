package dev.toolgate.gateway.execution;

import dev.toolgate.observability.CallStatus;
import java.time.Duration;
import java.time.Instant;

/** The outcome of an executed call (the upstream answered, successfully or not). */
public record CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
        Duration duration, int toolVersion, boolean truncated, Instant startedAt) {
}
