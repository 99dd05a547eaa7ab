package dev.toolgate.gateway.telemetry;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.resilience.IntegrationGuards;
import dev.toolgate.observability.RecorderStats;
import dev.toolgate.policy.PolicyEngine;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;

/**
 * The gateway's metrics, in its own registry (served at {@code /metrics}). Labels are bounded:
 * tenant and tool come from the catalog (a name that is no tool is counted as {@code unknown}),
 * outcome and decision from fixed sets. What needs the database (pending confirmations) is counted in
 * the background every {@code toolgate.metrics.refresh-interval} (5s) and served from memory, so a
 * scrape never blocks. Thread-safe.
 */
@Singleton
public class GatewayMetrics implements AutoCloseable {
    /** The label value for a tool name that is not in the catalog. */
    public static final String UNKNOWN_TOOL = "unknown";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter calls;
    private final Histogram duration;
    private final Histogram upstream;
    private final Histogram overhead;
    private final RefreshedValue<Map<String, Long>> pendingConfirmations;

    public GatewayMetrics(RecorderStats recorder, PolicyEngine policy, IntegrationGuards guards,
            ConfirmationStore confirmations,
            MetricsProperties config, dev.toolgate.gateway.catalog.DefinitionChangeStats definitionChanges) {
        requireNonNull(definitionChanges, "definitionChanges");
        Duration refreshInterval = config.refreshInterval();
        requireNonNull(confirmations, "confirmations");
        pendingConfirmations = new RefreshedValue<>("metrics-refresh", Map.of(), confirmations::pendingByTenant,
                refreshInterval);
        requireNonNull(guards, "guards");
        requireNonNull(recorder, "recorder");
        requireNonNull(policy, "policy");
        calls = Counter.builder().name("toolgate_calls_total")
                .help("Tool calls by tenant, tool, outcome (call status) and policy decision")
                .labelNames("tenant", "tool", "outcome", "decision").register(registry);
        duration = Histogram.builder().name("toolgate_call_duration_seconds")
                .help("Time of a tool call inside the gateway, upstream included")
                .labelNames("tenant", "tool", "outcome")
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        upstream = Histogram.builder().name("toolgate_upstream_duration_seconds")
                .help("Time from sending a call to its upstream to the answer (all tries), per integration;"
                        + " outcome answered, timeout, unavailable or failed")
                .labelNames("tenant", "integration", "outcome")
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        overhead = Histogram.builder().name("toolgate_gateway_overhead_seconds")
                .help("Time a call that reached its upstream spent inside the gateway, upstream excluded")
                .labelNames("tenant")
                .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5)
                .register(registry);
        GaugeWithCallback.builder().name("toolgate_audit_backlog")
                .help("Call records waiting to be written to the audit table")
                .callback(cb -> cb.call(recorder.backlog())).register(registry);
        CounterWithCallback.builder().name("toolgate_audit_dropped_total")
                .help("Call records given up: rejected by the database, or queued when the gateway stopped"
                        + " while the database was down")
                .callback(cb -> cb.call(recorder.dropped())).register(registry);
        GaugeWithCallback.builder().name("toolgate_audit_store_up")
                .help("1 while the audit database takes writes, 0 while records are buffered for it")
                .callback(cb -> cb.call(recorder.storeAvailable() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("toolgate_circuit_state")
                .help("Circuit of each integration called since start: 0 closed, 0.5 half-open, 1 open")
                .labelNames("tenant", "integration")
                .callback(cb -> guards.circuits().forEach(c -> cb.call(c.state(), c.tenant(), c.integration())))
                .register(registry);
        CounterWithCallback.builder().name("toolgate_retries_total")
                .help("Tries of safe calls sent again, per integration").labelNames("tenant", "integration")
                .callback(cb -> guards.circuits().forEach(c -> cb.call(c.retries(), c.tenant(), c.integration())))
                .register(registry);
        GaugeWithCallback.builder().name("toolgate_bulkhead_in_flight")
                .help("Calls in flight per integration (the bulkhead refuses past its limit)")
                .labelNames("tenant", "integration")
                .callback(cb -> guards.circuits().forEach(c -> cb.call(c.inFlight(), c.tenant(), c.integration())))
                .register(registry);
        GaugeWithCallback.builder().name("toolgate_confirmations_pending")
                .help("Calls held for a human's confirmation, per tenant").labelNames("tenant")
                .callback(cb -> pendingConfirmations.get().forEach((tenant, n) -> cb.call(n, tenant)))
                .register(registry);
        CounterWithCallback.builder().name("toolgate_tool_definition_changes_total")
                .help("Changes of pinned tool definitions by outcome: held (waiting for an admin), approved,"
                        + " rejected, superseded (changed again or back before a decision), flagged (text aimed at"
                        + " the model found in a held or added definition)")
                .labelNames("tenant", "outcome")
                .callback(cb -> definitionChanges.forEach((tenant, outcome, n) -> cb.call(n, tenant, outcome)))
                .register(registry);
        CounterWithCallback.builder().name("toolgate_policy_reloads_total").help("Policy directory reloads")
                .callback(cb -> cb.call(policy.status().reloadsTotal())).register(registry);
        CounterWithCallback.builder().name("toolgate_policy_rejections_total")
                .help("Policy units (tenants or _all) whose new files were rejected; the previous policy stayed")
                .callback(cb -> cb.call(policy.status().rejectionsTotal())).register(registry);
        GaugeWithCallback.builder().name("toolgate_policy_rejected_units")
                .help("Policy units (tenants or _all) whose files were rejected at the last reload: they run their"
                        + " previous policy until a good version of their files arrives")
                .callback(cb -> cb.call(policy.status().rejected().size())).register(registry);
    }

    /** Times one upstream exchange of a call (its tries included). */
    public void upstream(String tenant, String integration, String outcome, long nanos) {
        upstream.labelValues(tenant, integration, outcome).observe(nanos / 1e9);
    }

    /** The gateway's own time for a call that reached its upstream. */
    public void overhead(String tenant, long nanos) {
        overhead.labelValues(tenant).observe(Math.max(0, nanos) / 1e9);
    }

    /** Counts one call. */
    public void call(String tenant, String tool, String outcome, String decision, Duration took) {
        String d = decision.isEmpty() ? "none" : decision;
        calls.labelValues(tenant, tool, outcome, d).inc();
        duration.labelValues(tenant, tool, outcome).observe(took.toNanos() / 1e9);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Stops the background refresh. */
    @PreDestroy
    @Override
    public void close() {
        pendingConfirmations.close();
    }
}
