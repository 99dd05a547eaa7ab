package dev.toolgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of h2load (Debian {@code nghttp2-client}), the foreign load generator: a C program on one
 * thread, so the generator costs the measured cores little. Latencies come from its per-request log.
 */
final class H2Load {
    /** A request h2load sends over and over. */
    record Target(String url, boolean http1, Map<String, String> headers, Path body) {
        Target {
            headers = Map.copyOf(headers);
        }
    }

    private H2Load() {
    }

    /**
     * Sends {@code calls} requests from {@code callers} connections, one request in flight on each;
     * returns every request's latency (a status other than 200 counts as an error).
     */
    static LatencyStats run(Target target, int callers, int calls, Path workDir) throws IOException, InterruptedException {
        return run(target, callers, calls, workDir, null);
    }

    /** As {@link #run(Target, int, int, Path)}, keeping h2load's per-request log as {@code keepLog} when not null. */
    static LatencyStats run(Target target, int callers, int calls, Path workDir, Path keepLog)
            throws IOException, InterruptedException {
        return runCommand(target, callers, List.of("-n", String.valueOf(Math.max(calls, callers))), workDir, keepLog);
    }

    /** As {@link #run} but for a duration instead of a call count. */
    static LatencyStats runFor(Target target, int callers, java.time.Duration duration, Path workDir)
            throws IOException, InterruptedException {
        return runCommand(target, callers, List.of("-D", duration.toMillis() + "ms"), workDir, null);
    }

    private static LatencyStats runCommand(Target target, int callers, List<String> amount, Path workDir, Path keepLog)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path log = Files.createTempFile(workDir, "h2load-", ".log");
        Path out = Files.createTempFile(workDir, "h2load-", ".out");
        List<String> command = new ArrayList<>(List.of(Tools.require("h2load", "apt-get install nghttp2-client")));
        command.addAll(amount);
        command.addAll(List.of("-c", String.valueOf(callers), "-m", "1", "-t", "1", "--log-file", log.toString()));
        if (target.http1()) {
            command.add("--h1");
        }
        target.headers().forEach((k, v) -> command.addAll(List.of("-H", k + ": " + v)));
        if (target.body() != null) {
            command.addAll(List.of("-d", target.body().toString()));
        }
        command.add(target.url());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("h2load did not finish within 15 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("h2load exited with " + p.exitValue() + ": " + Files.readString(out).strip());
        }
        try {
            return parse(Files.readAllLines(log));
        } finally {
            if (keepLog != null && Files.exists(log)) {
                Files.move(log, keepLog, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(log);
            Files.deleteIfExists(out);
        }
    }

    /** Rows of h2load's log: start (µs since the epoch), HTTP status (-1 failed), µs to the end of the response. */
    static LatencyStats parse(List<String> rows) {
        long[] latencies = new long[rows.size()];
        int done = 0;
        int errors = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (String row : rows) {
            String[] cols = row.split("\t");
            if (cols.length < 3) {
                continue;
            }
            long start = Long.parseLong(cols[0].strip());
            int status = Integer.parseInt(cols[1].strip());
            long micros = Long.parseLong(cols[2].strip());
            first = Math.min(first, start);
            last = Math.max(last, start + micros);
            if (status == 200) {
                latencies[done++] = micros * 1_000;
            } else {
                errors++;
            }
        }
        long wall = first == Long.MAX_VALUE ? 0 : (last - first) * 1_000;
        return LatencyStats.of(latencies, done, errors, wall);
    }
}
