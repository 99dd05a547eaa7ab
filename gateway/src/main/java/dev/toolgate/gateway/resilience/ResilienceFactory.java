package dev.toolgate.gateway.resilience;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The resilience settings from {@code toolgate.resilience.*}, with the documented defaults. */
@Factory
class ResilienceFactory {
    @Singleton
    ResilienceConfig resilienceConfig(
            @Value("${toolgate.resilience.retry.max-attempts:3}") int maxAttempts,
            @Value("${toolgate.resilience.retry.initial-backoff:100ms}") Duration initialBackoff,
            @Value("${toolgate.resilience.retry.max-backoff:2s}") Duration maxBackoff,
            @Value("${toolgate.resilience.circuit.failure-rate-threshold:50}") int failureRate,
            @Value("${toolgate.resilience.circuit.slow-call-rate-threshold:100}") int slowRate,
            @Value("${toolgate.resilience.circuit.slow-call-duration:10s}") Duration slowCallDuration,
            @Value("${toolgate.resilience.circuit.minimum-calls:10}") int minimumCalls,
            @Value("${toolgate.resilience.circuit.window-size:20}") int windowSize,
            @Value("${toolgate.resilience.circuit.open-duration:30s}") Duration openDuration,
            @Value("${toolgate.resilience.circuit.half-open-calls:3}") int halfOpenCalls,
            @Value("${toolgate.resilience.bulkhead.max-concurrent:256}") int maxConcurrent,
            @Value("${toolgate.resilience.deadline-margin:20ms}") Duration deadlineMargin) {
        return new ResilienceConfig(maxAttempts, initialBackoff, maxBackoff, failureRate, slowRate, slowCallDuration,
                minimumCalls, windowSize, openDuration, halfOpenCalls, maxConcurrent, deadlineMargin);
    }
}
