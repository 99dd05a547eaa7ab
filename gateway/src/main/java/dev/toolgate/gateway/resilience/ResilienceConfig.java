package dev.toolgate.gateway.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Objects;

/**
 * How the gateway protects itself and upstreams, per integration: retries of safe calls, a circuit
 * breaker, a bulkhead, and the margin kept from the caller's deadline. Made like resilience4j's
 * {@code CircuitBreakerConfig}: {@link #ofDefaults()}, {@link #custom()}, or {@link #from(ResilienceConfig)}
 * for one integration's overrides on top of the gateway's settings. Every setter of the
 * {@link Builder} rejects a bad value at once, naming it ({@code "openDuration must be > 0, but was
 * PT0S"}); {@link Builder#build()} checks the values that depend on each other. The gateway's
 * settings come from {@code toolgate.resilience.*} ({@link ResilienceProperties}). Immutable and
 * thread-safe.
 */
public final class ResilienceConfig {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final long DEFAULT_INITIAL_BACKOFF_MILLIS = 100;
    public static final long DEFAULT_MAX_BACKOFF_MILLIS = 2_000;
    public static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final int DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;
    public static final long DEFAULT_SLOW_CALL_DURATION_MILLIS = 10_000;
    public static final int DEFAULT_MINIMUM_CALLS = 10;
    public static final int DEFAULT_WINDOW_SIZE = 20;
    public static final long DEFAULT_OPEN_DURATION_MILLIS = 30_000;
    public static final int DEFAULT_HALF_OPEN_CALLS = 3;
    public static final int DEFAULT_MAX_CONCURRENT = 256;
    public static final long DEFAULT_DEADLINE_MARGIN_MILLIS = 20;
    static final int MAX_ATTEMPTS_LIMIT = 10;
    static final int MAX_CONCURRENT_LIMIT = 10_000;
    static final Duration MAX_DEADLINE_MARGIN = Duration.ofSeconds(1);

    private static final ResilienceConfig DEFAULTS = custom().build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final float failureRateThreshold;
    private final float slowCallRateThreshold;
    private final Duration slowCallDuration;
    private final int minimumCalls;
    private final int windowSize;
    private final Duration openDuration;
    private final int halfOpenCalls;
    private final int maxConcurrent;
    private final Duration deadlineMargin;

    private ResilienceConfig(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.slowCallDuration = b.slowCallDuration;
        this.minimumCalls = b.minimumCalls;
        this.windowSize = b.windowSize;
        this.openDuration = b.openDuration;
        this.halfOpenCalls = b.halfOpenCalls;
        this.maxConcurrent = b.maxConcurrent;
        this.deadlineMargin = b.deadlineMargin;
    }

    /** The documented defaults (the {@code DEFAULT_*} constants). */
    public static ResilienceConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder that starts from the defaults. */
    public static Builder custom() {
        return new Builder();
    }

    /** A builder that starts from {@code base}, e.g. the gateway's settings for one integration's overrides. */
    public static Builder from(ResilienceConfig base) {
        return new Builder(requireNonNull(base, "base"));
    }

    /** Tries of a safe call (1 = no retries). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Wait before the first retry; doubled each time, with jitter. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Longest wait between tries (a longer {@code Retry-After} is not waited for). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Percentage of failed calls (5xx, 429, no answer) that opens the circuit. */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Percentage of slow calls that opens the circuit. */
    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    /** A call slower than this is slow. */
    public Duration slowCallDuration() {
        return slowCallDuration;
    }

    /** Calls in the window before the rates count. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** The last N calls the rates are computed over. */
    public int windowSize() {
        return windowSize;
    }

    /** How long an open circuit refuses before letting test calls through. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Test calls while half open. */
    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    /** Calls in flight per integration; more are refused at once. */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** Kept back from the caller's gRPC deadline, to answer before it passes. */
    public Duration deadlineMargin() {
        return deadlineMargin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResilienceConfig c && maxAttempts == c.maxAttempts && initialBackoff.equals(c.initialBackoff)
                && maxBackoff.equals(c.maxBackoff) && failureRateThreshold == c.failureRateThreshold
                && slowCallRateThreshold == c.slowCallRateThreshold && slowCallDuration.equals(c.slowCallDuration)
                && minimumCalls == c.minimumCalls && windowSize == c.windowSize && openDuration.equals(c.openDuration)
                && halfOpenCalls == c.halfOpenCalls && maxConcurrent == c.maxConcurrent
                && deadlineMargin.equals(c.deadlineMargin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, initialBackoff, maxBackoff, failureRateThreshold, slowCallRateThreshold,
                slowCallDuration, minimumCalls, windowSize, openDuration, halfOpenCalls, maxConcurrent, deadlineMargin);
    }

    @Override
    public String toString() {
        return "ResilienceConfig{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", failureRateThreshold=" + failureRateThreshold + ", slowCallRateThreshold="
                + slowCallRateThreshold + ", slowCallDuration=" + slowCallDuration + ", minimumCalls=" + minimumCalls
                + ", windowSize=" + windowSize + ", openDuration=" + openDuration + ", halfOpenCalls=" + halfOpenCalls
                + ", maxConcurrent=" + maxConcurrent + ", deadlineMargin=" + deadlineMargin + "}";
    }

    /** Collects the settings; each setter throws {@link IllegalArgumentException} naming a rejected value. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MILLIS);
        private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MILLIS);
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private float slowCallRateThreshold = DEFAULT_SLOW_CALL_RATE_THRESHOLD;
        private Duration slowCallDuration = Duration.ofMillis(DEFAULT_SLOW_CALL_DURATION_MILLIS);
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private Duration openDuration = Duration.ofMillis(DEFAULT_OPEN_DURATION_MILLIS);
        private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private Duration deadlineMargin = Duration.ofMillis(DEFAULT_DEADLINE_MARGIN_MILLIS);

        private Builder() {
        }

        private Builder(ResilienceConfig base) {
            this.maxAttempts = base.maxAttempts;
            this.initialBackoff = base.initialBackoff;
            this.maxBackoff = base.maxBackoff;
            this.failureRateThreshold = base.failureRateThreshold;
            this.slowCallRateThreshold = base.slowCallRateThreshold;
            this.slowCallDuration = base.slowCallDuration;
            this.minimumCalls = base.minimumCalls;
            this.windowSize = base.windowSize;
            this.openDuration = base.openDuration;
            this.halfOpenCalls = base.halfOpenCalls;
            this.maxConcurrent = base.maxConcurrent;
            this.deadlineMargin = base.deadlineMargin;
        }

        /** 1..10; 1 sends every call once. */
        public Builder maxAttempts(int maxAttempts) {
            check(maxAttempts >= 1 && maxAttempts <= MAX_ATTEMPTS_LIMIT, "maxAttempts", "1.." + MAX_ATTEMPTS_LIMIT,
                    maxAttempts);
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Longer than zero, and at most {@link #maxBackoff(Duration)} (checked by {@link #build()}). */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = positive("initialBackoff", initialBackoff);
            return this;
        }

        /** Longer than zero. */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = positive("maxBackoff", maxBackoff);
            return this;
        }

        /** A percentage, more than 0 and at most 100. */
        public Builder failureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = percentage("failureRateThreshold", failureRateThreshold);
            return this;
        }

        /** A percentage, more than 0 and at most 100. */
        public Builder slowCallRateThreshold(float slowCallRateThreshold) {
            this.slowCallRateThreshold = percentage("slowCallRateThreshold", slowCallRateThreshold);
            return this;
        }

        /** Longer than zero. */
        public Builder slowCallDuration(Duration slowCallDuration) {
            this.slowCallDuration = positive("slowCallDuration", slowCallDuration);
            return this;
        }

        /** At least 1, and at most {@link #windowSize(int)} (checked by {@link #build()}). */
        public Builder minimumCalls(int minimumCalls) {
            check(minimumCalls >= 1, "minimumCalls", ">= 1", minimumCalls);
            this.minimumCalls = minimumCalls;
            return this;
        }

        /** At least 1. */
        public Builder windowSize(int windowSize) {
            check(windowSize >= 1, "windowSize", ">= 1", windowSize);
            this.windowSize = windowSize;
            return this;
        }

        /** Longer than zero. */
        public Builder openDuration(Duration openDuration) {
            this.openDuration = positive("openDuration", openDuration);
            return this;
        }

        /** At least 1. */
        public Builder halfOpenCalls(int halfOpenCalls) {
            check(halfOpenCalls >= 1, "halfOpenCalls", ">= 1", halfOpenCalls);
            this.halfOpenCalls = halfOpenCalls;
            return this;
        }

        /** 1..10000. */
        public Builder maxConcurrent(int maxConcurrent) {
            check(maxConcurrent >= 1 && maxConcurrent <= MAX_CONCURRENT_LIMIT, "maxConcurrent",
                    "1.." + MAX_CONCURRENT_LIMIT, maxConcurrent);
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** 0s..1s. */
        public Builder deadlineMargin(Duration deadlineMargin) {
            requireNonNull(deadlineMargin, "deadlineMargin");
            check(!deadlineMargin.isNegative() && deadlineMargin.compareTo(MAX_DEADLINE_MARGIN) <= 0, "deadlineMargin",
                    "between PT0S and " + MAX_DEADLINE_MARGIN, deadlineMargin);
            this.deadlineMargin = deadlineMargin;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException when {@code initialBackoff} is longer than {@code maxBackoff} or
         *                                  {@code minimumCalls} is more than {@code windowSize}
         */
        public ResilienceConfig build() {
            check(initialBackoff.compareTo(maxBackoff) <= 0, "initialBackoff", "<= maxBackoff (" + maxBackoff + ")",
                    initialBackoff);
            check(minimumCalls <= windowSize, "minimumCalls", "<= windowSize (" + windowSize + ")", minimumCalls);
            return new ResilienceConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            requireNonNull(value, name);
            check(!value.isNegative() && !value.isZero(), name, "> 0", value);
            return value;
        }

        private static float percentage(String name, float value) {
            check(value > 0 && value <= 100, name, "> 0 and <= 100", value);
            return value;
        }

        private static void check(boolean ok, String name, String rule, Object value) {
            if (!ok) {
                throw new IllegalArgumentException(name + " must be " + rule + ", but was " + value);
            }
        }
    }
}
