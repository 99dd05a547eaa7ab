package dev.toolgate.bench;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under test, in its own JVM (as operators run it), so its CPU time and memory can
 * be read from the operating system apart from the load generator's.
 */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final int grpcPort;
    private final int managementPort;
    private final Duration startup;

    private GatewayProcess(Process process, int grpcPort, int managementPort, Duration startup) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.managementPort = managementPort;
        this.startup = startup;
    }

    /**
     * The JVM options {@code ./toolgate serve} gives the gateway: {@code gateway/jvm.options} of the
     * tree the jar was built in ({@code <tree>/gateway/target/toolgate.jar}), when it has one, so the
     * harness measures each build with its own defaults ({@link JvmOptionsFile}). Options given to the harness come after
     * them and override them, as {@code TOOLGATE_JAVA_OPTS} does.
     */
    static java.util.List<String> launcherOptions(Path jar) throws IOException {
        Path target = jar.toAbsolutePath().getParent();
        Path file = target == null || target.getParent() == null ? null : target.getParent().resolve("jvm.options");
        if (file == null || !Files.isRegularFile(file)) {
            return java.util.List.of();
        }
        return JvmOptionsFile.parse(JvmOptionsFile.lines(Files.readString(file)), Runtime.version().feature()); // the gateway runs on this JDK
    }

    static GatewayProcess start(Path jar, Map<String, String> env, Path log) throws IOException, InterruptedException {
        return start(jar, env, log, java.util.List.of());
    }

    static GatewayProcess start(Path jar, Map<String, String> env, Path log, java.util.List<String> jvmOptions)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("gateway jar not found at " + jar + "; build it first (./toolgate builds it)");
        }
        int grpcPort = freePort();
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launcherOptions(jar));
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-jar", jar.toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("TOOLGATE_GRPC_PORT", String.valueOf(grpcPort));
        pb.environment().put("TOOLGATE_GRPC_HOST", "127.0.0.1");
        pb.environment().put("TOOLGATE_HTTP_PORT", String.valueOf(freePort()));
        pb.environment().put("TOOLGATE_HTTP_HOST", "127.0.0.1");
        int managementPort = freePort();
        pb.environment().put("TOOLGATE_MANAGEMENT_PORT", String.valueOf(managementPort));
        long t0 = System.nanoTime();
        Process process = pb.start();
        return new GatewayProcess(process, grpcPort, managementPort, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Waits until the gRPC health check says SERVING; returns the time from process start. */
    Duration awaitServing(ManagedChannel channel, long startNanos, Duration limit) throws InterruptedException {
        long end = startNanos + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + " (see its log)");
            }
            try {
                HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance());
                if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
            } catch (RuntimeException notYet) {
                // not listening yet; without this the channel waits out its reconnect backoff (1 s and
                // more) before the next try, which the time to serving used to include
                channel.resetConnectBackoff();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("gateway did not serve within " + limit);
    }

    int grpcPort() {
        return grpcPort;
    }

    /** The management listener ({@code /metrics}, {@code /health}) on 127.0.0.1. */
    int managementPort() {
        return managementPort;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** CPU time (user + system) the gateway process has used so far. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Resident set size now and its peak so far, in bytes (Linux /proc; 0 elsewhere). */
    long[] rss() {
        long current = 0;
        long peak = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    current = kib(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kib(line) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux or already gone
        }
        return new long[] {current, peak};
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    Duration launchTime() {
        return startup;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
