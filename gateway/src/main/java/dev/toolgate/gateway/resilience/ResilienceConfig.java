package dev.toolgate.gateway.resilience;

import java.time.Duration;

/**
 * How the gateway protects itself and upstreams, per integration: retries of safe calls,
 * a circuit breaker, a bulkhead, and the margin kept from the caller's deadline. Read once from
 * {@code toolgate.resilience.*} (see {@link ResilienceFactory}); every value is checked at
 * start-up. Immutable.
 *
 * @param maxAttempts            tries of a safe call (1 = no retries)
 * @param initialBackoff         wait before the first retry; doubled each time, with jitter
 * @param maxBackoff             longest wait between tries (a longer {@code Retry-After} is not waited for)
 * @param failureRateThreshold   percentage of failed calls (5xx, no answer) that opens the circuit
 * @param slowCallRateThreshold  percentage of slow calls that opens it
 * @param slowCallDuration       a call slower than this is slow
 * @param minimumCalls           calls in the window before the rates count
 * @param windowSize             the last N calls the rates are computed over
 * @param openDuration           how long an open circuit refuses before letting test calls through
 * @param halfOpenCalls          test calls while half open
 * @param maxConcurrent          calls in flight per integration; more are refused at once
 * @param deadlineMargin         kept back from the caller's gRPC deadline, to answer before it passes
 */
public record ResilienceConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
        float failureRateThreshold, float slowCallRateThreshold, Duration slowCallDuration, int minimumCalls,
        int windowSize, Duration openDuration, int halfOpenCalls, int maxConcurrent, Duration deadlineMargin) {

    public ResilienceConfig {
        require(maxAttempts >= 1 && maxAttempts <= 10, "retry.max-attempts must be 1-10");
        require(positive(initialBackoff) && initialBackoff.compareTo(maxBackoff) <= 0,
                "retry.initial-backoff must be positive and at most retry.max-backoff");
        require(failureRateThreshold > 0 && failureRateThreshold <= 100, "circuit.failure-rate-threshold must be 1-100");
        require(slowCallRateThreshold > 0 && slowCallRateThreshold <= 100, "circuit.slow-call-rate-threshold must be 1-100");
        require(positive(slowCallDuration), "circuit.slow-call-duration must be positive");
        require(minimumCalls >= 1 && windowSize >= minimumCalls, "circuit.minimum-calls must be 1..circuit.window-size");
        require(positive(openDuration), "circuit.open-duration must be positive");
        require(halfOpenCalls >= 1, "circuit.half-open-calls must be positive");
        require(maxConcurrent >= 1 && maxConcurrent <= 10_000, "bulkhead.max-concurrent must be 1-10000");
        require(!deadlineMargin.isNegative() && deadlineMargin.compareTo(Duration.ofSeconds(1)) <= 0,
                "deadline-margin must be 0-1s");
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("toolgate.resilience." + message);
        }
    }
}
