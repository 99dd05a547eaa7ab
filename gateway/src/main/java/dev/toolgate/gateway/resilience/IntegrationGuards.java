package dev.toolgate.gateway.resilience;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.IntegrationChanged;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker and one bulkhead per integration (by id, so never shared between tenants),
 * created on first use from the defaults and the integration's own overrides, and built afresh
 * when those change. Thread-safe.
 */
@Singleton
public class IntegrationGuards {
    private final ResilienceConfig config;
    private final Map<String, Entry> guards = new ConcurrentHashMap<>();

    /** A guard and the settings it was built from (a change builds a new one). */
    private record Entry(String tenant, String settings, IntegrationGuard guard) {
    }

    public IntegrationGuards(ResilienceConfig config) {
        this.config = requireNonNull(config, "config");
    }

    public ResilienceConfig config() {
        return config;
    }

    /**
     * One integration's guard, for metrics.
     *
     * @param state 0 closed, 0.5 half-open, 1 open
     */
    public record CircuitView(String tenant, String integration, double state, long retries, int inFlight) {
    }

    /** The circuits of the integrations called since start. */
    public java.util.List<CircuitView> circuits() {
        return guards.values().stream().map(e -> new CircuitView(e.tenant(), e.guard().integration(),
                switch (e.guard().state()) {
                    case CLOSED, DISABLED, METRICS_ONLY -> 0.0;
                    case HALF_OPEN -> 0.5;
                    default -> 1.0;
                }, e.guard().retries(), e.guard().inFlight())).toList();
    }

    /** The integration's guard: the defaults with its own overrides. */
    public IntegrationGuard of(IntegrationEntity integration) {
        Entry e = guards.get(integration.id());
        if (e != null && e.settings().equals(integration.settings())) {
            return e.guard();
        }
        return guards.compute(integration.id(), (id, old) -> old != null && old.settings().equals(integration.settings())
                ? old : new Entry(integration.tenantId(), integration.settings(), build(integration))).guard();
    }

    /**
     * The integration was replaced (re-imported, re-registered, settings changed): its circuit
     * and bulkhead start afresh, built from the new row on next use.
     */
    @EventListener
    void onIntegrationChanged(IntegrationChanged changed) {
        guards.remove(changed.integrationId());
    }

    private IntegrationGuard build(IntegrationEntity integration) {
        ResilienceOverrides overrides = ResilienceOverrides.fromSettings(integration.settings());
        ResilienceConfig c = overrides.applyTo(config);
        CircuitBreakerConfig circuitConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(c.windowSize())
                .minimumNumberOfCalls(c.minimumCalls())
                .failureRateThreshold(c.failureRateThreshold())
                .slowCallRateThreshold(c.slowCallRateThreshold())
                .slowCallDurationThreshold(c.slowCallDuration())
                .waitDurationInOpenState(c.openDuration())
                .permittedNumberOfCallsInHalfOpenState(c.halfOpenCalls())
                .build();
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom().maxConcurrentCalls(c.maxConcurrent())
                .maxWaitDuration(Duration.ZERO).build();
        String name = "integration-" + integration.id();
        return new IntegrationGuard(integration.name(), CircuitBreaker.of(name, circuitConfig),
                Bulkhead.of(name, bulkheadConfig), c, !overrides.idempotencyKeyHeader().isEmpty()
                        && integration.kind().is(IntegrationKind.HTTP)); // only HTTP requests carry the key
    }
}
