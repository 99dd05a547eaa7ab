package dev.toolgate.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one harness run does. Immutable; bounds are checked here so a run always ends.
 *
 * @param calls          calls per measured run (one target, one tool, one concurrency level)
 * @param warmupCalls    unmeasured calls before each measured run
 * @param runCap         time cap of each measured run; it stops early and reports what it did
 * @param concurrency    caller counts to measure
 * @param gatewayJar     the gateway jar to start
 * @param dbUrl          the PostgreSQL database the gateway uses
 * @param outDir         where results.json and results.md are written
 * @param gatewayJvmOptions options for the gateway's JVM (a profiler agent, a heap size)
 * @param tools          the tools measured: {@code read} (read-only) and/or {@code write} (side-effecting)
 * @param gatewayWarmup  how long the gateway is called before the first measured run (JIT); zero for none
 * @param classArchive   the gateway's class-data archive (as {@code ./toolgate serve} uses one): made by
 *                       the first start, used by later ones; empty to start without one
 */
record BenchConfig(int calls, int warmupCalls, Duration runCap, List<Integer> concurrency, Path gatewayJar,
        String dbUrl, String dbUser, Path outDir, List<String> gatewayJvmOptions,
        List<String> tools, Duration gatewayWarmup, java.util.Optional<Path> classArchive) {

    BenchConfig {
        requireNonNull(runCap, "runCap");
        requireNonNull(gatewayJar, "gatewayJar");
        requireNonNull(dbUrl, "dbUrl");
        requireNonNull(dbUser, "dbUser");
        requireNonNull(outDir, "outDir");
        concurrency = List.copyOf(requireNonNull(concurrency, "concurrency"));
        gatewayJvmOptions = List.copyOf(requireNonNull(gatewayJvmOptions, "gatewayJvmOptions"));
        tools = List.copyOf(requireNonNull(tools, "tools"));
        requireNonNull(gatewayWarmup, "gatewayWarmup");
        requireNonNull(classArchive, "classArchive");
        if (gatewayWarmup.isNegative() || gatewayWarmup.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("gatewayWarmup must be 0 to 5 minutes, but was " + gatewayWarmup);
        }
        if (tools.isEmpty() || !List.of("read", "write").containsAll(tools) || tools.stream().distinct().count() != tools.size()) {
            throw new IllegalArgumentException("tools must be read and/or write, each once, but were " + tools);
        }
        if (calls < 1 || calls > 10_000_000) {
            throw new IllegalArgumentException("calls must be 1..10000000, but was " + calls);
        }
        if (warmupCalls < 0 || warmupCalls > 10_000_000) {
            throw new IllegalArgumentException("warmupCalls must be 0..10000000, but was " + warmupCalls);
        }
        if (runCap.isNegative() || runCap.isZero() || runCap.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("runCap must be more than 0 and at most 10 minutes, but was " + runCap);
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 1000)) {
            throw new IllegalArgumentException("concurrency levels must be 1..1000, but were " + concurrency);
        }
    }
}
