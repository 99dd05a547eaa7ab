package dev.toolgate.gateway.support;

import dev.toolgate.gateway.cli.ToolgateCli;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real gateway ({@code toolgate serve}) as a child process of the test, on the test PostgreSQL, with
 * the test's admin key and master key and ports the kernel picks: started, read until it prints where
 * it serves, and stopped with a signal ({@link #terminate} is {@code SIGTERM}, {@link #kill} is
 * {@code SIGKILL}). Its output is kept for assertions and failure messages.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile(
            "serving gRPC on :(\\d+), HTTP on :(\\d+), management .*? on (http://\\S+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final List<String> output;
    private final int grpcPort;
    private final String management;
    private final Thread reader;

    private GatewayProcess(Process process, List<String> output, Thread reader, int grpcPort, String management) {
        this.process = process;
        this.reader = reader;
        this.output = output;
        this.grpcPort = grpcPort;
        this.management = management;
    }

    /** Starts {@code serve} with {@code env} on top of the test defaults; waits until it serves. */
    public static GatewayProcess start(Path policyDir, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ToolgateCli.class.getName(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("TOOLGATE_"));
        Map<String, String> defaults = new HashMap<>(Map.of(
                "TOOLGATE_DB_URL", TestDatabase.url(), "TOOLGATE_DB_USER", TestDatabase.user(),
                "TOOLGATE_DB_PASSWORD", TestDatabase.password(), "TOOLGATE_DB_POOL_SIZE", "8",
                "TOOLGATE_SECRETS_MASTER_KEY", "dGVzdC1tYXN0ZXIta2V5LTMyLWJ5dGVzLWxvbmchISE=",
                "TOOLGATE_SECRETS_KEY_ID", "test1", "TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY,
                "TOOLGATE_POLICY_DIR", policyDir.toString(), "TOOLGATE_EGRESS_ALLOW", "127.0.0.0/8"));
        defaults.putAll(Map.of("TOOLGATE_GRPC_PORT", "0", "TOOLGATE_HTTP_PORT", "0", "TOOLGATE_MANAGEMENT_PORT", "0",
                "TOOLGATE_CDS", "off"));
        e.putAll(defaults);
        e.putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException ex) {
            throw new IllegalStateException("the gateway could not be started: " + ex.getMessage(), ex);
        }
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Matcher> serving = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().name("gateway-process-log").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        serving.complete(m);
                    }
                }
            } catch (IOException ex) {
                // the process ended
            } finally {
                serving.completeExceptionally(new IllegalStateException("the gateway exited: " + lines));
            }
        });
        try {
            Matcher m = serving.get(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            return new GatewayProcess(process, lines, reader, Integer.parseInt(m.group(1)), m.group(3));
        } catch (Exception ex) {
            process.destroyForcibly();
            throw new IllegalStateException("the gateway did not start: " + lines, ex);
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    /** A plaintext channel to its gRPC port. */
    public ManagedChannel channel() {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create()).build();
    }

    /** {@code GET} of a management path: status code and body, or {@code -1} when nothing answers. */
    public Map.Entry<Integer, String> management(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(management + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return Map.entry(r.statusCode(), r.body());
        } catch (IOException e) {
            return Map.entry(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.entry(-1, e.toString());
        }
    }

    /**
     * Sends {@code SIGTERM} through the process handle ({@link Process#destroy} would also close the pipe, and
     * what the gateway prints while it stops would be lost).
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Sends {@code SIGKILL} and waits for the end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the gateway did not stop: " + output);
        }
        reader.join(); // the last lines are still in the pipe
        return process.exitValue();
    }

    /** What it printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
