package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.observability.CallStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of an executed call (the upstream answered, successfully or not).
 *
 * @param replayed      the call id had run before: this is that execution's stored outcome
 * @param confirmation  set when the call is held for a human ({@link CallStatus#PENDING_CONFIRMATION})
 * @param outputWarning non-empty when the tool declares an output schema and its successful answer does
 *                      not fit it: {@code resultJson} then holds the answer as text with this warning
 *                      (see {@link OutputCheck}), never a structure that contradicts the schema
 */
public record CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
        Duration duration, int toolVersion, boolean truncated, Instant startedAt, boolean replayed,
        Optional<Confirmation> confirmation, String outputWarning) {

    public CallResult {
        requireNonNull(outputWarning, "outputWarning");
    }

    public CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
            Duration duration, int toolVersion, boolean truncated, Instant startedAt, boolean replayed,
            Optional<Confirmation> confirmation) {
        this(callId, status, resultJson, isError, upstreamStatus, duration, toolVersion, truncated, startedAt,
                replayed, confirmation, "");
    }

    public CallResult(String callId, CallStatus status, String resultJson, boolean isError, int upstreamStatus,
            Duration duration, int toolVersion, boolean truncated, Instant startedAt) {
        this(callId, status, resultJson, isError, upstreamStatus, duration, toolVersion, truncated, startedAt, false,
                Optional.empty());
    }

    /** The same answer, flagged as a replay of an earlier request with this call id. */
    public CallResult replay() {
        return new CallResult(callId, status, resultJson, isError, upstreamStatus, duration, toolVersion, truncated,
                startedAt, true, confirmation, outputWarning);
    }

    /** The same outcome with its answer given as {@code textJson} because it does not fit the output schema. */
    CallResult misfit(String textJson, String warning) {
        return new CallResult(callId, status, textJson, isError, upstreamStatus, duration, toolVersion, truncated,
                startedAt, replayed, confirmation, warning);
    }
}
