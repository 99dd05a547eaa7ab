package dev.toolgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end comparison: the same echo upstream called directly over HTTP and through the
 * gateway over gRPC, for a read-only and a side-effecting tool, at each concurrency level, in
 * one run. Writes results.md and results.json.
 */
@Command(name = "toolgate-bench", mixinStandardHelpOptions = true, subcommands = {ImportBench.class, JmhCommand.class, ForeignLoadHarness.class, AuditWriteBench.class},
        description = "Measure the gateway's added latency and CPU per call against direct upstream calls.")
public final class LoadHarness implements Callable<Integer> {
    private static final double[] QUANTILES = {0.50, 0.90, 0.99, 0.999};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--calls", defaultValue = "10000", description = "calls per measured run (default ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--warmup", defaultValue = "2000", description = "unmeasured calls before each run (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--run-cap-seconds", defaultValue = "8", description = "time cap of each measured run; warm-ups get half (default ${DEFAULT-VALUE})")
    int runCapSeconds;

    @Option(names = "--concurrency", defaultValue = "1,16,100", split = ",", description = "caller counts (default ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--gateway-jar", defaultValue = "gateway/target/toolgate.jar")
    Path gatewayJar;

    @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "postgres")
    String dbUser;

    @Option(names = "--out", defaultValue = "bench/target/results", description = "output directory (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--gateway-warmup-seconds", defaultValue = "10",
            description = "calls to the gateway (the measured tools, 16 callers) before anything is measured, so the first"
                    + " run is not its JIT compilation (default ${DEFAULT-VALUE})")
    int gatewayWarmupSeconds;

    @Option(names = "--tools", defaultValue = "read,write", split = ",",
            description = "which tools to measure: read (read-only), write (side-effecting) (default ${DEFAULT-VALUE})")
    List<String> tools;

    @Option(names = "--gateway-jvm-option", description = "an option for the gateway's JVM, e.g. a profiler agent (repeatable)")
    List<String> gatewayJvmOptions = List.of();

    @Option(names = "--gateway-class-archive", defaultValue = "",
            description = "the gateway's class-data archive: made by the first start, used by later ones, as"
                    + " ./toolgate serve does (default: toolgate-serve-jdk<version>.jsa beside the gateway jar; 'off' for none)")
    String classArchive;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadHarness()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchConfig config = new BenchConfig(calls, warmup, Duration.ofSeconds(runCapSeconds), concurrency,
                gatewayJar, dbUrl, dbUser, outDir, gatewayJvmOptions, tools,
                Duration.ofSeconds(gatewayWarmupSeconds), ClassArchive.choose(classArchive, gatewayJar));
        ObjectNode result = run(config);
        System.out.println(Files.readString(config.outDir().resolve("results.md")));
        return result.path("errors").asInt() == 0 ? 0 : 1;
    }

    /** Runs everything the config asks and writes the results; returns the JSON written. */
    static ObjectNode run(BenchConfig config) throws Exception {
        Files.createDirectories(config.outDir());
        String token = random();
        String adminKey = "tg_" + random();
        Map<String, String> env = new java.util.HashMap<>(gatewayEnv(config.dbUrl(), config.dbUser(), adminKey));
        env.put("TOOLGATE_POLICY_DIR", writePolicy(config.outDir().resolve("policies")).toString());
        try (EchoUpstream upstream = EchoUpstream.start(token)) {
            String archiveUse = ClassArchive.prepare(config.classArchive(), config.gatewayJar());
            List<String> jvmOptions = new java.util.ArrayList<>(ClassArchive.jvmOptions(config.classArchive()));
            jvmOptions.addAll(config.gatewayJvmOptions());
            long launched = System.nanoTime();
            try (GatewayProcess gateway = GatewayProcess.start(config.gatewayJar(), env,
                    config.outDir().resolve("gateway.log"), jvmOptions)) {
                ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.grpcPort(),
                        InsecureChannelCredentials.create()).build();
                try {
                    Duration toServing = gateway.awaitServing(channel, launched, Duration.ofSeconds(60));
                    long idleRss = gateway.rss()[0];
                    BenchTenant tenant = BenchTenant.create(channel, adminKey, upstream.baseUrl(), token);
                    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    ObjectNode out = JSON.createObjectNode();
                    out.put("date", Instant.now().toString());
                    out.put("cores", Runtime.getRuntime().availableProcessors());
                    out.put("java", System.getProperty("java.version"));
                    out.put("calls_per_run", config.calls());
                    out.put("warmup_calls", config.warmupCalls());
                    out.put("gateway_start_to_serving_ms", toServing.toMillis());
                    out.put("gateway_class_archive", archiveUse);
                    out.put("gateway_rss_idle_mb", idleRss / 1_048_576.0);
                    out.put("gateway_warmup_seconds", config.gatewayWarmup().toSeconds());
                    int errors = warmUp(config, tenant);
                    ArrayNode runs = out.putArray("runs");
                    for (String tool : config.tools()) {
                        HttpRequest direct = directRequest(upstream.baseUrl(), token, tool);
                        for (int c : config.concurrency()) {
                            Driver.Call directCall = () -> {
                                HttpResponse<byte[]> r = http.send(direct, HttpResponse.BodyHandlers.ofByteArray());
                                if (r.statusCode() != 200) {
                                    throw new IllegalStateException("upstream answered " + r.statusCode());
                                }
                            };
                            Driver.Call gatewayCall = tenant.call(tool);
                            Duration warmupCap = config.runCap().dividedBy(2);
                            Driver.run(c, config.warmupCalls(), warmupCap, directCall);
                            LatencyStats d = Driver.run(c, config.calls(), config.runCap(), directCall);
                            Driver.run(c, config.warmupCalls(), warmupCap, gatewayCall);
                            Duration cpuBefore = gateway.cpuTime();
                            LatencyStats g = Driver.run(c, config.calls(), config.runCap(), gatewayCall);
                            Duration cpu = gateway.cpuTime().minus(cpuBefore);
                            errors += d.errors() + g.errors();
                            runs.add(runJson(tool, c, d, g, cpu));
                        }
                    }
                    out.put("gateway_rss_peak_mb", gateway.rss()[1] / 1_048_576.0);
                    out.put("errors", errors);
                    Files.writeString(config.outDir().resolve("results.json"),
                            JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
                    Files.writeString(config.outDir().resolve("results.md"), Markdown.table(out));
                    return out;
                    }
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Both tools through the gateway for the warm-up time, split between them; returns the errors. */
    private static int warmUp(BenchConfig config, BenchTenant tenant) throws InterruptedException {
        if (config.gatewayWarmup().isZero()) {
            return 0;
        }
        int errors = 0;
        Duration each = config.gatewayWarmup().dividedBy(config.tools().size());
        for (String tool : config.tools()) {
            errors += Driver.run(16, 1_000_000, each, tenant.call(tool)).errors();
        }
        return errors;
    }

    private static ObjectNode runJson(String tool, int concurrency, LatencyStats direct, LatencyStats gateway,
            Duration gatewayCpu) {
        ObjectNode run = JSON.createObjectNode();
        run.put("tool", tool.equals("read") ? "read-only" : "side-effecting");
        run.put("concurrency", concurrency);
        run.set("direct", stats(direct));
        run.set("gateway", stats(gateway));
        ObjectNode added = run.putObject("added_latency_us");
        for (double q : QUANTILES) {
            added.put(label(q), round(gateway.percentileMicros(q) - direct.percentileMicros(q)));
        }
        run.put("p50_ratio", round(gateway.percentileMicros(0.5) / Math.max(0.001, direct.percentileMicros(0.5))));
        run.put("gateway_cpu_us_per_call", gateway.calls() == 0 ? 0 : round(gatewayCpu.toNanos() / 1_000.0 / gateway.calls()));
        return run;
    }

    private static ObjectNode stats(LatencyStats s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("calls", s.calls());
        o.put("errors", s.errors());
        o.put("throughput_per_s", round(s.throughput()));
        for (double q : QUANTILES) {
            o.put(label(q) + "_us", round(s.percentileMicros(q)));
        }
        return o;
    }

    static String label(double q) {
        return q == 0.999 ? "p99.9" : "p" + Math.round(q * 100);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static HttpRequest directRequest(String baseUrl, String token, String tool) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/echo")).timeout(Driver.CALL_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
        return tool.equals("read") ? b.GET().build()
                : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BenchTenant.WRITE_BODY)).build();
    }

    /**
     * The policy the measured calls pass: an allow rule with a condition, a deny with a condition
     * and a rate limit that never bites, so every call pays for a realistic decision.
     */
    static Path writePolicy(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("_all.yaml"), """
                rules:
                  - id: bench-echo
                    effect: allow
                    tools: ["echo.*"]
                    agents: [bench]
                    when: tool.annotations.read_only || size(args) < 50
                  - id: no-deletes
                    effect: deny
                    tools: ["*.delete_*"]
                    agents: ["*"]
                  - id: no-huge-notes
                    effect: deny
                    tools: [echo.write]
                    agents: ["*"]
                    when: has(args.note) && size(args.note) > 10000
                rate_limits:
                  - id: generous
                    limit: 100000000/s
                """);
        return dir;
    }

    /** The environment of a gateway under test: its own admin key and master key, quiet logs. */
    static Map<String, String> gatewayEnv(String dbUrl, String dbUser, String adminKey) {
        return Map.of(
                "TOOLGATE_DB_URL", dbUrl,
                "TOOLGATE_DB_USER", dbUser,
                "TOOLGATE_ADMIN_KEY", adminKey,
                "TOOLGATE_SECRETS_MASTER_KEY", Base64.getEncoder().encodeToString(bytes(32)),
                "TOOLGATE_EGRESS_ALLOW", "127.0.0.0/8,::1", // the harness upstream is on loopback
                "TOOLGATE_LOG_LEVEL", "WARN");
    }

    static String random() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(24));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
