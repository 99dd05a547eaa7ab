package dev.toolgate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own count of one tenant's calls by outcome, read from {@code toolgate_calls_total}
 * on its management port. A gRPC error travels in an HTTP 200 response, so the foreign load generator
 * cannot tell it from a success: the harness checks every run against these counts.
 */
final class CallCounts {
    private static final Pattern LINE = Pattern.compile("^toolgate_calls_total\\{([^}]*)} ([0-9.eE+]+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private CallCounts() {
    }

    /** Calls of {@code tenant} so far, by outcome label (e.g. {@code succeeded}). */
    static Map<String, Long> read(int managementPort, String tenant) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("/metrics answered " + r.statusCode());
            }
            return parse(r.body(), tenant);
        }
    }

    static Map<String, Long> parse(String text, String tenant) {
        Map<String, Long> byOutcome = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            if (tenant.equals(labels.get("tenant"))) {
                byOutcome.merge(labels.getOrDefault("outcome", "?"), (long) Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return byOutcome;
    }

    /** {@code after - before} per outcome, leaving out outcomes that did not change. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }
}
