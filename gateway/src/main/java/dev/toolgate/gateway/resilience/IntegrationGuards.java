package dev.toolgate.gateway.resilience;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.IntegrationEntity;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker and one bulkhead per integration (by id, so never shared between tenants),
 * created on first use. Thread-safe.
 */
@Singleton
public class IntegrationGuards {
    private final ResilienceConfig config;
    private final CircuitBreakerConfig circuitConfig;
    private final BulkheadConfig bulkheadConfig;
    private final Map<String, IntegrationGuard> guards = new ConcurrentHashMap<>();

    public IntegrationGuards(ResilienceConfig config) {
        this.config = requireNonNull(config, "config");
        this.circuitConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.windowSize())
                .minimumNumberOfCalls(config.minimumCalls())
                .failureRateThreshold(config.failureRateThreshold())
                .slowCallRateThreshold(config.slowCallRateThreshold())
                .slowCallDurationThreshold(config.slowCallDuration())
                .waitDurationInOpenState(config.openDuration())
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                .build();
        this.bulkheadConfig = BulkheadConfig.custom().maxConcurrentCalls(config.maxConcurrent())
                .maxWaitDuration(Duration.ZERO).build();
    }

    public ResilienceConfig config() {
        return config;
    }

    public IntegrationGuard of(IntegrationEntity integration) {
        return guards.computeIfAbsent(integration.id(), id -> new IntegrationGuard(integration.name(),
                CircuitBreaker.of("integration-" + id, circuitConfig), Bulkhead.of("integration-" + id, bulkheadConfig),
                config));
    }
}
