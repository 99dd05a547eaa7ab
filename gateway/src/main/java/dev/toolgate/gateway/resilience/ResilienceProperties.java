package dev.toolgate.gateway.resilience;

import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_DEADLINE_MARGIN_MILLIS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_FAILURE_RATE_THRESHOLD;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_HALF_OPEN_CALLS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_INITIAL_BACKOFF_MILLIS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_MAX_ATTEMPTS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_MAX_BACKOFF_MILLIS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_MAX_CONCURRENT;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_MINIMUM_CALLS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_OPEN_DURATION_MILLIS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_SLOW_CALL_DURATION_MILLIS;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_SLOW_CALL_RATE_THRESHOLD;
import static dev.toolgate.gateway.resilience.ResilienceConfig.DEFAULT_WINDOW_SIZE;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code toolgate.resilience.*}: the gateway's resilience settings, the defaults of every
 * integration (README "Resilience"). The defaults are {@link ResilienceConfig}'s {@code DEFAULT_*}
 * constants; {@link #toConfig()} builds the config at start-up and a rejected value stops the start
 * naming the key and the value. Immutable.
 *
 * @param retry          {@code retry.*}
 * @param circuit        {@code circuit.*}
 * @param bulkhead       {@code bulkhead.*}
 * @param deadlineMargin kept back from the caller's gRPC deadline
 */
@Context
@ConfigurationProperties(ResilienceProperties.PREFIX)
public record ResilienceProperties(Retry retry, Circuit circuit, Bulkhead bulkhead,
        @Bindable(defaultValue = DEFAULT_DEADLINE_MARGIN_MILLIS + "ms") Duration deadlineMargin) {
    public static final String PREFIX = "toolgate.resilience";

    /**
     * {@code toolgate.resilience.retry.*}.
     *
     * @param maxAttempts    tries of a safe call (1 = no retries)
     * @param initialBackoff wait before the first retry; doubled each time, with jitter
     * @param maxBackoff     longest wait between tries
     */
    @ConfigurationProperties("retry")
    public record Retry(
            @Bindable(defaultValue = "" + DEFAULT_MAX_ATTEMPTS) int maxAttempts,
            @Bindable(defaultValue = DEFAULT_INITIAL_BACKOFF_MILLIS + "ms") Duration initialBackoff,
            @Bindable(defaultValue = DEFAULT_MAX_BACKOFF_MILLIS + "ms") Duration maxBackoff) {
    }

    /**
     * {@code toolgate.resilience.circuit.*}.
     *
     * @param failureRateThreshold  percentage of failed calls that opens the circuit
     * @param slowCallRateThreshold percentage of slow calls that opens it
     * @param slowCallDuration      a call slower than this is slow
     * @param minimumCalls          calls in the window before the rates count
     * @param windowSize            the last N calls the rates are computed over
     * @param openDuration          how long an open circuit refuses
     * @param halfOpenCalls         test calls while half open
     */
    @ConfigurationProperties("circuit")
    public record Circuit(
            @Bindable(defaultValue = "" + DEFAULT_FAILURE_RATE_THRESHOLD) float failureRateThreshold,
            @Bindable(defaultValue = "" + DEFAULT_SLOW_CALL_RATE_THRESHOLD) float slowCallRateThreshold,
            @Bindable(defaultValue = DEFAULT_SLOW_CALL_DURATION_MILLIS + "ms") Duration slowCallDuration,
            @Bindable(defaultValue = "" + DEFAULT_MINIMUM_CALLS) int minimumCalls,
            @Bindable(defaultValue = "" + DEFAULT_WINDOW_SIZE) int windowSize,
            @Bindable(defaultValue = DEFAULT_OPEN_DURATION_MILLIS + "ms") Duration openDuration,
            @Bindable(defaultValue = "" + DEFAULT_HALF_OPEN_CALLS) int halfOpenCalls) {
    }

    /**
     * {@code toolgate.resilience.bulkhead.*}.
     *
     * @param maxConcurrent calls in flight per integration; more are refused at once
     */
    @ConfigurationProperties("bulkhead")
    public record Bulkhead(@Bindable(defaultValue = "" + DEFAULT_MAX_CONCURRENT) int maxConcurrent) {
    }

    public ResilienceProperties {
        toConfig(retry, circuit, bulkhead, deadlineMargin); // fails the start on a rejected value
    }

    /** The settings as the immutable config. */
    public ResilienceConfig toConfig() {
        return toConfig(retry, circuit, bulkhead, deadlineMargin);
    }

    private static ResilienceConfig toConfig(Retry r, Circuit c, Bulkhead b, Duration deadlineMargin) {
        ResilienceConfig.Builder config = ResilienceConfig.custom();
        set("retry.max-attempts", r.maxAttempts(), config::maxAttempts);
        set("retry.initial-backoff", r.initialBackoff(), config::initialBackoff);
        set("retry.max-backoff", r.maxBackoff(), config::maxBackoff);
        set("circuit.failure-rate-threshold", c.failureRateThreshold(), config::failureRateThreshold);
        set("circuit.slow-call-rate-threshold", c.slowCallRateThreshold(), config::slowCallRateThreshold);
        set("circuit.slow-call-duration", c.slowCallDuration(), config::slowCallDuration);
        set("circuit.minimum-calls", c.minimumCalls(), config::minimumCalls);
        set("circuit.window-size", c.windowSize(), config::windowSize);
        set("circuit.open-duration", c.openDuration(), config::openDuration);
        set("circuit.half-open-calls", c.halfOpenCalls(), config::halfOpenCalls);
        set("bulkhead.max-concurrent", b.maxConcurrent(), config::maxConcurrent);
        set("deadline-margin", deadlineMargin, config::deadlineMargin);
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(PREFIX + ": " + e.getMessage(), e);
        }
    }

    private static <T> void set(String key, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigurationException(PREFIX + "." + key + ": " + e.getMessage(), e);
        }
    }
}
