package dev.toolgate.bench;

import com.fasterxml.jackson.databind.JsonNode;

/** Renders results.json as the Markdown table of docs/benchmarks.md. */
final class Markdown {
    private Markdown() {
    }

    static String table(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Run ").append(r.path("date").asText()).append(", ").append(r.path("cores").asInt())
                .append(" cores, Java ").append(r.path("java").asText()).append(", ")
                .append(r.path("calls_per_run").asInt()).append(" calls per run after ")
                .append(r.path("warmup_calls").asInt()).append(" warm-up calls; the gateway was warmed up for ")
                .append(r.path("gateway_warmup_seconds").asLong()).append(" s first.\n")
                .append("Gateway start to serving: ").append(r.path("gateway_start_to_serving_ms").asLong())
                .append(" ms (class-data archive: ").append(r.path("gateway_class_archive").asText("off"))
                .append("); RSS idle ").append(String.format("%.0f", r.path("gateway_rss_idle_mb").asDouble()))
                .append(" MB, peak ").append(String.format("%.0f", r.path("gateway_rss_peak_mb").asDouble()))
                .append(" MB; errors: ").append(r.path("errors").asInt()).append(".\n\n");
        sb.append("| tool | callers | direct calls/s | gateway calls/s | direct p50 / p99 µs | gateway p50 / p99 µs "
                + "| added p50 / p90 / p99 / p99.9 µs | p50 ratio | gateway CPU µs/call |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode run : r.path("runs")) {
            JsonNode d = run.path("direct");
            JsonNode g = run.path("gateway");
            JsonNode a = run.path("added_latency_us");
            sb.append("| ").append(run.path("tool").asText())
                    .append(" | ").append(run.path("concurrency").asInt())
                    .append(" | ").append(num(d, "throughput_per_s"))
                    .append(" | ").append(num(g, "throughput_per_s"))
                    .append(" | ").append(num(d, "p50_us")).append(" / ").append(num(d, "p99_us"))
                    .append(" | ").append(num(g, "p50_us")).append(" / ").append(num(g, "p99_us"))
                    .append(" | ").append(num(a, "p50")).append(" / ").append(num(a, "p90")).append(" / ")
                    .append(num(a, "p99")).append(" / ").append(num(a, "p99.9"))
                    .append(" | ").append(num(run, "p50_ratio"))
                    .append(" | ").append(num(run, "gateway_cpu_us_per_call"))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String num(JsonNode n, String field) {
        double v = n.path(field).asDouble();
        return v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }
}
