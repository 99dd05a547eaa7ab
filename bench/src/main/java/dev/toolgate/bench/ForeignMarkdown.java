package dev.toolgate.bench;

import com.fasterxml.jackson.databind.JsonNode;

/** Renders the h2load harness's results.json as Markdown, laid out like the table of issue 23. */
final class ForeignMarkdown {
    private ForeignMarkdown() {
    }

    static String table(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("h2load run ").append(r.path("date").asText()).append(", ").append(r.path("cores").asInt())
                .append(" cores, ").append(r.path("calls_per_run").asInt()).append(" calls per run after ")
                .append(r.path("warmup_calls").asInt()).append(" warm-up calls through the gateway")
                .append(warmupRounds(r)).append(".\n")
                .append("Gateway start to serving ").append(r.path("gateway_start_to_serving_ms").asLong())
                .append(" ms (class-data archive: ").append(r.path("gateway_class_archive").asText("off"))
                .append("); RSS idle ").append(mb(r, "gateway_rss_idle_mb")).append(" MB, after the runs ")
                .append(mb(r, "gateway_rss_after_mb")).append(" MB, peak ").append(mb(r, "gateway_rss_peak_mb"))
                .append(" MB; errors: ").append(r.path("errors").asInt()).append(".\n\n");
        sb.append("| tool | callers | direct p50 / p99 ms | gateway p50 / p99 ms | added p50 / p99 ms "
                + "| direct calls/s | gateway calls/s | gateway CPU µs/call | PostgreSQL CPU µs/call "
                + "| JIT % of gateway CPU | gateway context switches/call |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode run : r.path("runs")) {
            JsonNode d = run.path("direct");
            JsonNode g = run.path("gateway");
            sb.append("| ").append(run.path("tool").asText())
                    .append(" | ").append(run.path("callers").asInt())
                    .append(" | ").append(ms(d, "p50_us")).append(" / ").append(ms(d, "p99_us"))
                    .append(" | ").append(ms(g, "p50_us")).append(" / ").append(ms(g, "p99_us"))
                    .append(" | ").append(ms(run, "added_p50_us")).append(" / ").append(ms(run, "added_p99_us"))
                    .append(" | ").append(whole(d, "throughput_per_s"))
                    .append(" | ").append(whole(g, "throughput_per_s"))
                    .append(" | ").append(whole(run, "gateway_cpu_us_per_call"))
                    .append(" | ").append(whole(run, "postgres_cpu_us_per_call"))
                    .append(" | ").append(run.has("gateway_jit_cpu_percent")
                            ? String.format("%.1f", run.path("gateway_jit_cpu_percent").asDouble()) : "n/a")
                    .append(" | ").append(run.has("gateway_context_switches_per_call")
                            ? String.format("%.2f", run.path("gateway_context_switches_per_call").asDouble()) : "n/a")
                    .append(" |\n");
        }
        StringBuilder settled = new StringBuilder();
        for (JsonNode run : r.path("runs")) {
            if (run.path("settle_rounds").asInt() > 0) {
                int callers = run.path("callers").asInt();
                int rounds = run.path("settle_rounds").asInt();
                settled.append(settled.isEmpty() ? "" : ", ").append(callers).append(callers == 1 ? " caller: " : " callers: ")
                        .append(rounds).append(rounds == 1 ? " round" : " rounds");
            }
        }
        if (!settled.isEmpty()) {
            sb.append("\nRounds at a run's own caller count before it was measured, until the JIT was quiet: ")
                    .append(settled).append(".\n");
        }
        JsonNode cold = r.path("cold_start");
        if (!cold.isMissingNode()) {
            sb.append("\nCold start: a fresh gateway served after ").append(cold.path("start_to_serving_ms").asLong())
                    .append(" ms; CPU µs per call, second by second at 16 callers (steady state ")
                    .append(whole(cold, "steady_cpu_us_per_call")).append("): ");
            StringBuilder series = new StringBuilder();
            for (JsonNode s : cold.path("seconds")) {
                series.append(series.isEmpty() ? "" : ", ")
                        .append(s.has("cpu_us_per_call") ? whole(s, "cpu_us_per_call") : "no call done");
            }
            int within = cold.path("first_second_within_2x_steady").asInt();
            sb.append(series).append("; within 2× of steady state ")
                    .append(within < 0 ? "not within the run" : "from second " + within).append(".\n");
        }
        return sb.toString();
    }

    /** The extra warm-up rounds with the JIT compilers' share of the gateway's CPU in each, or nothing. */
    private static String warmupRounds(JsonNode r) {
        StringBuilder shares = new StringBuilder();
        for (JsonNode round : r.path("warmup_rounds")) {
            shares.append(shares.isEmpty() ? "" : ", ").append(String.format("%.1f", round.path("jit_cpu_percent").asDouble()));
        }
        return shares.isEmpty() ? "" : " (the last ones in rounds until the JIT was quiet; its % of the gateway's CPU: " + shares + ")";
    }

    private static String ms(JsonNode n, String micros) {
        return String.format("%.2f", n.path(micros).asDouble() / 1_000.0);
    }

    private static String whole(JsonNode n, String field) {
        return String.format("%,.0f", n.path(field).asDouble());
    }

    private static String mb(JsonNode n, String field) {
        return String.format("%.0f", n.path(field).asDouble());
    }
}
