package dev.toolgate.gateway.execution;

import dev.toolgate.gateway.telemetry.GatewayMetrics;

/** What the metrics label one call with, filled in as it becomes known. Not shared between calls. */
final class CallLabels {
    private String tool = GatewayMetrics.UNKNOWN_TOOL;
    private String decision = "";
    private long upstreamNanos;

    String tool() {
        return tool;
    }

    void tool(String qualifiedName) {
        this.tool = qualifiedName;
    }

    String decision() {
        return decision;
    }

    void decision(String label) {
        this.decision = label;
    }

    /** Time the upstream took; 0 when the call did not reach it. */
    long upstreamNanos() {
        return upstreamNanos;
    }

    void upstreamNanos(long nanos) {
        this.upstreamNanos = nanos;
    }
}
