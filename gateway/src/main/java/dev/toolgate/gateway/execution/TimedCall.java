package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.telemetry.GatewayMetrics;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import java.time.Duration;

/** Measures the upstream part of a call (all tries) for the upstream-latency histogram. Not shared. */
final class TimedCall implements PreparedCall {
    private final PreparedCall delegate;
    private final GatewayMetrics metrics;
    private final ToolDefinition tool;
    private long nanos;

    TimedCall(PreparedCall delegate, GatewayMetrics metrics, ToolDefinition tool) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.metrics = requireNonNull(metrics, "metrics");
        this.tool = requireNonNull(tool, "tool");
    }

    @Override
    public UpstreamResponse send(Duration timeout) {
        long start = System.nanoTime();
        String outcome = "failed";
        try {
            UpstreamResponse r = delegate.send(timeout);
            outcome = "answered";
            return r;
        } catch (UpstreamFailure f) {
            outcome = f.kind() == UpstreamFailure.Kind.TIMEOUT ? "timeout" : "unavailable";
            throw f;
        } finally {
            nanos = System.nanoTime() - start;
            metrics.upstream(tool.tenantId(), tool.integration().name(), outcome, nanos);
        }
    }

    /** Time spent sending and waiting, once {@link #send} returned; 0 before. */
    long nanos() {
        return nanos;
    }
}
