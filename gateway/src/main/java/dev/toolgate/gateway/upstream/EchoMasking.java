package dev.toolgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.secrets.EchoMask;
import java.time.Duration;

/**
 * Applies an {@link EchoMask} to what comes back from an upstream — the answer's
 * {@code result_json} and a failure's message — before anything else (the agent, the call
 * record, spans, replays) sees it. Stateless.
 */
public final class EchoMasking {
    private EchoMasking() {
    }

    /** {@code response} with the injected values masked in its result; the same instance when none occurs. */
    public static UpstreamResponse apply(UpstreamResponse response, EchoMask mask) {
        requireNonNull(response, "response");
        String masked = mask.maskJson(response.resultJson());
        return masked == response.resultJson() ? response : new UpstreamResponse(response.status(), masked,
                response.truncated(), response.retryAfter(), response.isError());
    }

    /** {@code failure} with the injected values masked in its message; the same instance when none occurs. */
    public static UpstreamFailure apply(UpstreamFailure failure, EchoMask mask) {
        requireNonNull(failure, "failure");
        String masked = mask.maskText(failure.getMessage());
        return masked == failure.getMessage() ? failure : new UpstreamFailure(failure.kind(), masked);
    }

    /**
     * {@code call} whose answers and failures are masked with {@code mask}.
     */
    public static PreparedCall wrap(PreparedCall call, EchoMask mask) {
        requireNonNull(call, "call");
        requireNonNull(mask, "mask");
        if (mask == EchoMask.NONE) {
            return call;
        }
        return new PreparedCall() {
            @Override
            public UpstreamResponse send(Duration timeout) {
                try {
                    return apply(call.send(timeout), mask);
                } catch (UpstreamFailure f) {
                    throw apply(f, mask);
                }
            }

            @Override
            public String toString() {
                return call.toString();
            }
        };
    }
}
