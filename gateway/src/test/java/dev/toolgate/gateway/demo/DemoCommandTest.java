package dev.toolgate.gateway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.cli.ToolgateCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance item 1 as a user does it: {@code toolgate demo} in a fresh directory, then a
 * foreign client ({@code buf curl} through server reflection) with the printed key.
 */
class DemoCommandTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUF = ROOT.resolve("examples/clients/node/node_modules/.bin/buf");

    @Test
    void demo_servesTheSupportDeskTool_toBufCurlWithThePrintedKey() throws Exception {
        assertThat(BUF).as("buf is installed with the Node client's packages: run ./toolgate test").exists();
        Path workDir = Files.createTempDirectory("toolgate-demo");
        int grpcPort = dev.toolgate.gateway.support.Ports.free();
        int httpPort = dev.toolgate.gateway.support.Ports.free();
        int managementPort = dev.toolgate.gateway.support.Ports.free();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolgateCli.class.getName(), "demo")
                .directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().put("TOOLGATE_GRPC_PORT", String.valueOf(grpcPort));
        pb.environment().put("TOOLGATE_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().put("TOOLGATE_MANAGEMENT_PORT", String.valueOf(managementPort));
        pb.environment().remove("TOOLGATE_ADMIN_KEY");
        pb.environment().remove("TOOLGATE_DB_URL");
        Process demo = pb.start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        try {
            String key = awaitKey(output, demo);

            String base = "http://127.0.0.1:" + grpcPort + "/toolgate.v1.ToolService/";
            String listed = buf(key, base + "ListTools", null);
            String executed = buf(key, base + "ExecuteTool", "{\"tool\":\"support_desk.create_support_case\","
                    + "\"arguments_json\":\"{\\\"customer_id\\\":\\\"acme\\\",\\\"summary\\\":\\\"x\\\",\\\"priority\\\":\\\"low\\\"}\"}");

            assertThat(listed).contains("support_desk.create_support_case").contains("support_desk.get_support_case");
            assertThat(executed).contains("CALL_STATUS_SUCCEEDED").contains("case_id").contains("CASE-000001");
            assertThat(output).anyMatch(l -> l.equals("support-desk: POST /support/cases -> 201 (bearer token matched)"));
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
            assertThat(output).filteredOn(l -> l.startsWith("TOOLGATE_API_KEY=")).hasSize(1);

            // the printed console URL and keys sign in: the agent's key to run tools, the lead's to approve
            String consoleUrl = "http://127.0.0.1:" + httpPort + "/console";
            assertThat(output).anyMatch(l -> l.startsWith("Web console: " + consoleUrl + " (sign in by pasting"));
            String consoleKey = output.stream().filter(l -> l.startsWith("TOOLGATE_CONSOLE_KEY=tg_")).findFirst()
                    .orElseThrow().substring("TOOLGATE_CONSOLE_KEY=".length()).split("\\s")[0];
            assertThat(consoleSignIn(consoleUrl, key)).isEqualTo("/console/integrations");
            assertThat(consoleSignIn(consoleUrl, consoleKey)).isEqualTo("/console/approvals");
            JsonNode seen = browser(consoleUrl, key, consoleKey, output);
            assertThat(seen.path("integrations").asText()).contains("support_desk");
            assertThat(seen.path("missingFieldError").asText()).contains("customer_id");
            assertThat(seen.path("runOutcome").asText()).contains("SUCCEEDED", "CASE-", "open-cases");
            assertThat(seen.path("leadUrl").asText()).endsWith("/console/approvals");
            assertThat(seen.path("refundOutcome").asText()).contains("PENDING_CONFIRMATION");
            assertThat(seen.path("approval").asText()).contains("support_desk.create_support_case", "demo-agent",
                    "refund-cases-need-a-human");
            assertThat(seen.path("decision").asText()).contains("Approved by you.", "SUCCEEDED");
            assertThat(seen.path("calls").asText()).contains("support_desk.create_support_case");
            assertThat(output).noneMatch(l -> l.contains(" ERROR "));
        } finally {
            demo.destroy();
            if (!demo.waitFor(10, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
            reader.join(5_000);
        }
    }

    /**
     * Runs {@code examples/console-e2e/demo.test.mjs} in chromium against the demo's console; the form
     * run that misses a field never reaches the upstream, the good run and the approved refund do, once each.
     */
    private static JsonNode browser(String consoleUrl, String agentKey, String leadKey, List<String> output)
            throws Exception {
        Path example = ROOT.resolve("examples/console-e2e");
        assertThat(example.resolve("node_modules/playwright-core")).as("playwright-core is installed by"
                + " ./toolgate test").exists();
        long before = output.stream().filter(l -> l.startsWith("support-desk: POST /support/cases -> 201")).count();
        Path shots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        ProcessBuilder pb = new ProcessBuilder("node", "demo.test.mjs").directory(example.toFile());
        pb.environment().put("CONSOLE_URL", consoleUrl);
        pb.environment().put("AGENT_KEY", agentKey);
        pb.environment().put("LEAD_KEY", leadKey);
        pb.environment().put("SCREENSHOTS", shots.toString());
        Path log = Path.of("target/console-demo-e2e.log").toAbsolutePath();
        pb.redirectError(log.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(() -> out + Files.exists(log)).isZero();
        // the demo's upstream logs each request as it answers (exactly two more: the refused form sent none)
        dev.toolgate.gateway.support.Eventually.until(() -> assertThat(output.stream()
                .filter(l -> l.startsWith("support-desk: POST /support/cases -> 201")).count()).isEqualTo(before + 2));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
    }

    /** Signs in to the console with a key; where the console sends the browser next. */
    private static String consoleSignIn(String consoleUrl, String key) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(consoleUrl + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("api_key=" + key)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("set-cookie").orElseThrow()).startsWith("toolgate_console=");
        return r.headers().firstValue("location").orElseThrow();
    }

    private static String awaitKey(List<String> output, Process demo) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            boolean printed = output.stream().anyMatch(l -> l.startsWith("Web console: ")); // the last line of keys
            for (String line : output) {
                if (printed && line.startsWith("TOOLGATE_API_KEY=tg_")) {
                    return line.substring("TOOLGATE_API_KEY=".length()).trim();
                }
            }
            if (!demo.isAlive()) {
                throw new AssertionError("demo exited with " + demo.exitValue() + ":\n" + String.join("\n", output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("demo printed no key within 90 s:\n" + String.join("\n", output));
    }

    private static String buf(String key, String url, String data) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BUF.toString(), "curl", "--protocol", "grpc",
                "--http2-prior-knowledge", "-H", "authorization: Bearer " + key));
        if (data != null) {
            cmd.addAll(List.of("-d", data));
        }
        cmd.add(url);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
