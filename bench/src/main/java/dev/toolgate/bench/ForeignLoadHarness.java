package dev.toolgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The comparison with foreign parts: h2load sends the same request straight to an nginx upstream
 * (HTTP/1.1) and through the gateway (a gRPC {@code ExecuteTool} over HTTP/2, the request encoded
 * once), from the same number of connections, after a long warm-up. Reports latency, calls/s and
 * the CPU per call of the gateway and of PostgreSQL (the audit write is part of a call), then a
 * cold start: a fresh gateway's start-to-serving time and its CPU per call second by second.
 */
@Command(name = "h2load", mixinStandardHelpOptions = true,
        description = "Measure the gateway against direct calls with h2load and nginx (Debian nghttp2-client, nginx-light).")
final class ForeignLoadHarness implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--callers", defaultValue = "1,16,64", split = ",", description = "connections, one call in flight on each (default ${DEFAULT-VALUE})")
    List<Integer> callers;

    @Option(names = "--calls", defaultValue = "20000", description = "calls per measured run (default ${DEFAULT-VALUE})")
    int calls;

    @Option(names = "--warmup-calls", defaultValue = "60000", description = "calls through the gateway (16 callers) before anything is measured (default ${DEFAULT-VALUE})")
    int warmupCalls;

    @Option(names = "--warmup-max-calls", defaultValue = "400000", description = "after the warm-up calls, more rounds"
            + " (--warmup-round-calls) while the gateway's JIT compilers take over --jit-quiet-percent of its CPU, up to this many"
            + " warm-up calls in all (default ${DEFAULT-VALUE}; at most --warmup-calls: no more rounds)")
    int warmupMaxCalls;

    @Option(names = "--warmup-round-calls", defaultValue = "20000", description = "calls in each extra warm-up round"
            + " (default ${DEFAULT-VALUE})")
    int warmupRoundCalls;

    @Option(names = "--jit-quiet-percent", defaultValue = "5", description = "the share of the gateway's CPU its JIT"
            + " compilers may take in a warm-up round for the warm-up to end (default ${DEFAULT-VALUE})")
    double jitQuietPercent;

    @Option(names = "--tools", defaultValue = "read", split = ",", description = "read (read-only GET) and/or write (side-effecting POST) (default ${DEFAULT-VALUE})")
    List<String> tools;

    @Option(names = "--cold-seconds", defaultValue = "10", description = "seconds of 16-caller load on a fresh gateway, measured second by second; 0 skips (default ${DEFAULT-VALUE})")
    int coldSeconds;

    @picocli.CommandLine.ParentCommand
    LoadHarness parent;

    /** Profiles the measured gateway runs when {@code --profile} was given; else null. */
    private AsyncProfiler profiler;

    /** The gateway jar: the parent command's {@code --gateway-jar} (./toolgate bench passes the built one). */
    private Path gatewayJar;

    @Option(names = "--db-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "postgres")
    String dbUser;

    @Option(names = "--out", defaultValue = "bench/target/results-h2load", description = "output directory (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--keep-logs", description = "keep h2load's per-request logs of the measured runs in the output"
            + " directory (direct-<tool>-<callers>.log, gateway-<tool>-<callers>.log: start µs since the epoch, status,"
            + " µs), e.g. to line slow calls up with a GC log")
    boolean keepLogs;

    @Option(names = "--gateway-jvm-option", description = "an option for the gateway's JVM (repeatable)")
    List<String> gatewayJvmOptions = List.of();

    @Option(names = "--profile", description = "profile each measured gateway run with async-profiler, sampling this"
            + " event: cpu, itimer, wall, alloc or lock; writes profile-<event>-<tool>-<callers>.html (flame graph) and"
            + " .collapsed to the output directory")
    String profileEvent;

    @Option(names = "--async-profiler-lib", description = "the libasyncProfiler.so --profile attaches (default: the"
            + " one for this platform in the bundled async-profiler jar)")
    Path asyncProfilerLib;

    @Option(names = "--gateway-class-archive", defaultValue = "",
            description = "the gateway's class-data archive, as in the default harness ('off' for none)")
    String classArchive;

    @Override
    public Integer call() throws Exception {
        gatewayJar = parent.gatewayJar;
        if (calls < 1 || warmupCalls < 0 || warmupMaxCalls < 0 || warmupRoundCalls < 1
                || jitQuietPercent < 0 || coldSeconds < 0 || callers.isEmpty() || callers.stream().anyMatch(c -> c < 1 || c > 1000)) {
            throw new IllegalArgumentException("calls and warm-up round calls must be ≥ 1, warm-up calls, their maximum, the JIT's quiet share"
                    + " and cold seconds ≥ 0, callers 1..1000");
        }
        if (tools.isEmpty() || !List.of("read", "write").containsAll(tools)) {
            throw new IllegalArgumentException("tools must be read and/or write, but were " + tools);
        }
        profiler = profileEvent == null ? null : AsyncProfiler.of(profileEvent, asyncProfilerLib, outDir);
        ObjectNode out = run();
        System.out.println(Files.readString(outDir.resolve("results.md")));
        return out.path("errors").asInt() == 0 ? 0 : 1;
    }

    ObjectNode run() throws Exception {
        Files.createDirectories(outDir);
        String token = LoadHarness.random();
        String adminKey = "tg_" + LoadHarness.random();
        Map<String, String> env = new HashMap<>(LoadHarness.gatewayEnv(dbUrl, dbUser, adminKey));
        env.put("TOOLGATE_POLICY_DIR", LoadHarness.writePolicy(outDir.resolve("policies")).toString());
        java.util.Optional<Path> archive = ClassArchive.choose(classArchive, gatewayJar);
        ObjectNode out = JSON.createObjectNode();
        out.put("date", Instant.now().toString());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("calls_per_run", calls);
        int errors = 0;
        try (Nginx nginx = Nginx.start(outDir.resolve("nginx"), token)) {
            BenchTenant tenant;
            double steadyCpu;
            try (Gateway gateway = Gateway.start(gatewayJar, env, outDir.resolve("gateway.log"), archive, gatewayJvmOptions)) {
                out.put("gateway_class_archive", gateway.archiveUse);
                out.put("gateway_start_to_serving_ms", gateway.toServing.toMillis());
                out.put("gateway_rss_idle_mb", gateway.process.rss()[0] / 1_048_576.0);
                tenant = BenchTenant.create(gateway.channel, adminKey, nginx.baseUrl(), token);
                Map<String, H2Load.Target> through = new HashMap<>();
                for (String tool : tools) {
                    through.put(tool, gatewayTarget(gateway.process.grpcPort(), tenant, tool));
                    H2Load.run(through.get(tool), 16, warmupCalls / tools.size(), outDir.resolve("h2load"));
                }
                CpuMeter gatewayCpu = CpuMeter.of(gateway.process.handle());
                java.util.Optional<JitMeter> jit = JitMeter.of(gateway.process.handle());
                java.util.Optional<SwitchMeter> switches = SwitchMeter.of(gateway.process.handle());
                out.put("warmup_calls", warmupCalls + warmUntilJitQuiet(through, gatewayCpu, jit, out.putArray("warmup_rounds")));
                ArrayNode runs = out.putArray("runs");
                CpuMeter postgresCpu = CpuMeter.postgres();
                for (String tool : tools) {
                    H2Load.Target direct = directTarget(nginx.baseUrl(), token, tool);
                    for (int c : callers) {
                        int settled = settle(through.get(tool), c, gatewayCpu, jit);
                        H2Load.run(direct, c, Math.min(calls, 5_000), outDir.resolve("h2load"));
                        LatencyStats d = H2Load.run(direct, c, calls, outDir.resolve("h2load"), kept("direct", tool, c));
                        Map<String, Long> before = CallCounts.read(gateway.process.managementPort(), tenant.id());
                        CpuMeter.Sample g0 = gatewayCpu.sample();
                        CpuMeter.Sample p0 = postgresCpu.sample();
                        Duration j0 = jit.map(JitMeter::cpu).orElse(Duration.ZERO);
                        Map<String, Long> s0 = switches.map(SwitchMeter::sample).orElse(Map.of());
                        if (profiler != null) {
                            profiler.start(gateway.process.handle().pid());
                        }
                        LatencyStats g = H2Load.run(through.get(tool), c, calls, outDir.resolve("h2load"),
                                kept("gateway", tool, c));
                        if (profiler != null) {
                            profiler.stop(gateway.process.handle().pid(),
                                    outDir.resolve("profile-" + profiler.event() + "-" + tool + "-" + c));
                        }
                        Duration gCpu = gatewayCpu.since(g0);
                        java.util.Optional<Duration> jitCpu = jit.map(m -> m.cpu().minus(j0));
                        java.util.Optional<Long> switched = switches.map(m -> m.since(s0));
                        Duration pCpu = postgresCpu.since(p0);
                        Map<String, Long> counted = CallCounts.delta(before,
                                CallCounts.read(gateway.process.managementPort(), tenant.id()));
                        int refused = (int) counted.entrySet().stream().filter(e -> !e.getKey().equalsIgnoreCase("succeeded"))
                                .mapToLong(Map.Entry::getValue).sum();
                        errors += d.errors() + g.errors() + refused;
                        ObjectNode run = runJson(tool, c, d, g, gCpu, pCpu, counted);
                        jitCpu.ifPresent(j -> run.put("gateway_jit_cpu_percent", percent(j, gCpu)));
                        switched.ifPresent(n -> run.put("gateway_context_switches_per_call",
                                Math.round(100.0 * n / Math.max(1, g.calls())) / 100.0));
                        run.put("settle_rounds", settled);
                        runs.add(run);
                    }
                }
                out.put("gateway_rss_peak_mb", gateway.process.rss()[1] / 1_048_576.0);
                out.put("gateway_rss_after_mb", gateway.process.rss()[0] / 1_048_576.0);
                steadyCpu = steadyCpuPerCall(runs);
            }
            if (coldSeconds > 0) {
                errors += coldStart(out, env, archive, tenant, steadyCpu);
            }
        }
        out.put("errors", errors);
        Files.writeString(outDir.resolve("results.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        Files.writeString(outDir.resolve("results.md"), ForeignMarkdown.table(out));
        return out;
    }

    /**
     * Warm-up rounds of {@link #warmupRoundCalls} calls (16 callers) while the gateway's JIT compilers took more than
     * {@link #jitQuietPercent} of its CPU in the round before, until {@link #warmupMaxCalls}: after a
     * fixed warm-up C2 can still be compiling the call path, and a run measured then is not steady
     * state. Each round's share goes to {@code rounds}.
     *
     * @return the calls made in these rounds
     */
    private int warmUntilJitQuiet(Map<String, H2Load.Target> through, CpuMeter gatewayCpu,
            java.util.Optional<JitMeter> jit, ArrayNode rounds) throws Exception {
        int made = 0;
        int round = warmupRoundCalls;
        while (jit.isPresent() && warmupCalls + made + round <= warmupMaxCalls) {
            double share = jitShareOfRound(through.values(), 16, round, gatewayCpu, jit.get());
            made += round;
            rounds.addObject().put("calls", round).put("jit_cpu_percent", share);
            if (share <= jitQuietPercent) {
                break;
            }
        }
        return made;
    }

    /** Most rounds at a caller count other than the warm-up's before its measured run. */
    static final int MAX_SETTLE_ROUNDS = 5;

    /**
     * Before the measured run at {@code callers} (not the warm-up's 16): rounds at that count while
     * the JIT takes over {@link #jitQuietPercent} of the gateway's CPU, at most {@link #MAX_SETTLE_ROUNDS}.
     * More callers reach code (contended paths, deeper queues) that C2 compiles anew; measured before
     * that ends, 64 callers showed the JIT at 13–22 % of the gateway's CPU.
     *
     * @return the rounds made
     */
    private int settle(H2Load.Target target, int callers, CpuMeter gatewayCpu, java.util.Optional<JitMeter> jit)
            throws Exception {
        if (callers == 16 || jit.isEmpty()) {
            return 0;
        }
        int made = 0;
        while (made < MAX_SETTLE_ROUNDS) {
            made++;
            if (jitShareOfRound(List.of(target), callers, warmupRoundCalls, gatewayCpu, jit.get()) <= jitQuietPercent) {
                break;
            }
        }
        return made;
    }

    /** The JIT compilers' share of the gateway's CPU in one round of {@code calls} over {@code targets}. */
    private double jitShareOfRound(java.util.Collection<H2Load.Target> targets, int callers, int calls,
            CpuMeter gatewayCpu, JitMeter jit) throws Exception {
        CpuMeter.Sample g0 = gatewayCpu.sample();
        Duration j0 = jit.cpu();
        for (H2Load.Target target : targets) {
            H2Load.run(target, callers, calls / targets.size(), outDir.resolve("h2load"));
        }
        return percent(jit.cpu().minus(j0), gatewayCpu.since(g0));
    }

    private static double percent(Duration part, Duration whole) {
        return whole.isZero() ? 0 : round(100.0 * part.toNanos() / whole.toNanos());
    }

    private Path kept(String path, String tool, int callers) {
        return keepLogs ? outDir.resolve(path + "-" + tool + "-" + callers + ".log") : null;
    }

    /** A fresh gateway (same database and tenant) under 16 callers, one second at a time. */
    private int coldStart(ObjectNode out, Map<String, String> env, java.util.Optional<Path> archive, BenchTenant tenant,
            double steadyCpu) throws Exception {
        int errors = 0;
        try (Gateway fresh = Gateway.start(gatewayJar, env, outDir.resolve("gateway-cold.log"), archive, gatewayJvmOptions)) {
            ObjectNode cold = out.putObject("cold_start");
            cold.put("start_to_serving_ms", fresh.toServing.toMillis());
            cold.put("steady_cpu_us_per_call", steadyCpu);
            H2Load.Target target = gatewayTarget(fresh.process.grpcPort(), tenant, "read");
            CpuMeter cpu = CpuMeter.of(fresh.process.handle());
            ArrayNode seconds = cold.putArray("seconds");
            int within = -1;
            for (int s = 1; s <= coldSeconds; s++) {
                CpuMeter.Sample c0 = cpu.sample();
                LatencyStats g = H2Load.runFor(target, 16, Duration.ofSeconds(1), outDir.resolve("h2load"));
                double perCall = g.calls() == 0 ? 0 : cpu.since(c0).toNanos() / 1_000.0 / g.calls();
                errors += g.errors();
                ObjectNode second = seconds.addObject();
                second.put("second", s);
                second.put("calls", g.calls());
                if (g.calls() > 0) {
                    second.put("cpu_us_per_call", round(perCall));
                }
                second.put("p50_us", round(g.percentileMicros(0.5)));
                if (within < 0 && g.calls() > 0 && steadyCpu > 0 && perCall <= 2 * steadyCpu) {
                    within = s;
                }
            }
            cold.put("first_second_within_2x_steady", within);
        }
        return errors;
    }

    /** CPU per call of the read-only run at 16 callers (or the last read-only run measured). */
    private static double steadyCpuPerCall(ArrayNode runs) {
        double found = 0;
        for (var run : runs) {
            if (run.path("tool").asText().equals("read-only")) {
                found = run.path("gateway_cpu_us_per_call").asDouble();
                if (run.path("callers").asInt() == 16) {
                    return found;
                }
            }
        }
        return found;
    }

    private H2Load.Target gatewayTarget(int grpcPort, BenchTenant tenant, String tool) throws java.io.IOException {
        byte[] message = BenchTenant.request(tool).toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        Path body = outDir.resolve("execute-" + tool + ".grpc");
        Files.write(body, frame.array());
        return new H2Load.Target("http://127.0.0.1:" + grpcPort + "/toolgate.v1.ToolService/ExecuteTool", false,
                Map.of("content-type", "application/grpc", "te", "trailers", "authorization", "Bearer " + tenant.apiKey()), body);
    }

    private H2Load.Target directTarget(String baseUrl, String token, String tool) throws java.io.IOException {
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + token, "accept", "application/json"));
        Path body = null;
        if (tool.equals("write")) {
            body = Files.writeString(outDir.resolve("direct-write.json"), BenchTenant.WRITE_BODY);
            headers.put("content-type", "application/json");
        }
        return new H2Load.Target(baseUrl + "/echo", true, headers, body);
    }

    private static ObjectNode runJson(String tool, int callers, LatencyStats direct, LatencyStats gateway,
            Duration gatewayCpu, Duration postgresCpu, Map<String, Long> counted) {
        ObjectNode run = JSON.createObjectNode();
        run.put("tool", tool.equals("read") ? "read-only" : "side-effecting");
        run.put("callers", callers);
        run.set("direct", stats(direct));
        run.set("gateway", stats(gateway));
        run.put("added_p50_us", round(gateway.percentileMicros(0.5) - direct.percentileMicros(0.5)));
        run.put("added_p99_us", round(gateway.percentileMicros(0.99) - direct.percentileMicros(0.99)));
        run.put("gateway_cpu_us_per_call", perCall(gatewayCpu, gateway.calls()));
        run.put("postgres_cpu_us_per_call", perCall(postgresCpu, gateway.calls()));
        ObjectNode outcomes = run.putObject("gateway_outcomes");
        counted.forEach(outcomes::put);
        return run;
    }

    private static ObjectNode stats(LatencyStats s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("calls", s.calls());
        o.put("errors", s.errors());
        o.put("throughput_per_s", round(s.throughput()));
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            o.put(LoadHarness.label(q) + "_us", round(s.percentileMicros(q)));
        }
        return o;
    }

    private static double perCall(Duration cpu, int calls) {
        return calls == 0 ? 0 : round(cpu.toNanos() / 1_000.0 / calls);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** A started gateway process with its channel, serving. */
    private static final class Gateway implements AutoCloseable {
        final GatewayProcess process;
        final ManagedChannel channel;
        final Duration toServing;
        final String archiveUse;

        private Gateway(GatewayProcess process, ManagedChannel channel, Duration toServing, String archiveUse) {
            this.process = process;
            this.channel = channel;
            this.toServing = toServing;
            this.archiveUse = archiveUse;
        }

        static Gateway start(Path jar, Map<String, String> env, Path log, java.util.Optional<Path> archive,
                List<String> extraJvmOptions) throws Exception {
            String archiveUse = ClassArchive.prepare(archive, jar);
            List<String> jvm = new ArrayList<>(ClassArchive.jvmOptions(archive));
            jvm.addAll(extraJvmOptions);
            long launched = System.nanoTime();
            GatewayProcess process = GatewayProcess.start(jar, env, log, jvm);
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", process.grpcPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                return new Gateway(process, channel, process.awaitServing(channel, launched, Duration.ofSeconds(60)), archiveUse);
            } catch (RuntimeException | InterruptedException e) {
                channel.shutdownNow();
                process.close();
                throw e;
            }
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            process.close();
        }
    }
}
