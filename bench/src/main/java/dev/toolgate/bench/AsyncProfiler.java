package dev.toolgate.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * async-profiler attached to a running gateway for one measured run: {@code jcmd <pid>
 * JVMTI.agent_load <lib> start,…} before it, then a collapsed-stacks dump and a flame graph after.
 * The library is async-profiler's {@code libasyncProfiler.so}: by default the one for this platform
 * inside the {@code tools.profiler:async-profiler} jar on the harness's class path, copied out
 * once. Not shared: one run profiled at a time.
 */
final class AsyncProfiler {
    /** Events this harness asks for; async-profiler knows more. */
    static final Set<String> EVENTS = Set.of("cpu", "itimer", "wall", "alloc", "lock");

    private final Path library;
    private final String event;
    private final Path jcmd;

    private AsyncProfiler(Path library, String event) {
        this.library = library.toAbsolutePath();
        this.event = event;
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /**
     * A profiler sampling {@code event} with {@code library}, or when that is null with the library
     * of the bundled jar, copied into {@code workDir}.
     *
     * @throws IllegalArgumentException for an unknown event, a missing library or a platform the
     *         jar has no library for
     */
    static AsyncProfiler of(String event, Path library, Path workDir) throws IOException {
        requireNonNull(event, "event");
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException("profile event must be one of " + EVENTS + ", but was '" + event + "'");
        }
        Path lib = library != null ? library : bundled(workDir);
        if (!Files.isRegularFile(lib)) {
            throw new IllegalArgumentException("no async-profiler library at " + lib.toAbsolutePath()
                    + " (libasyncProfiler.so, e.g. linux-x64/ of the jar tools.profiler:async-profiler)");
        }
        return new AsyncProfiler(lib, event);
    }

    /** The bundled jar's library for this platform, copied to {@code workDir}. */
    private static Path bundled(Path workDir) throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        String dir = !os.contains("linux") ? null
                : arch.equals("amd64") || arch.equals("x86_64") ? "linux-x64"
                : arch.equals("aarch64") ? "linux-arm64" : null;
        if (dir == null) {
            throw new IllegalArgumentException("the bundled async-profiler has no library for " + os + "/" + arch
                    + "; give one with --async-profiler-lib");
        }
        String resource = dir + "/libasyncProfiler.so";
        try (InputStream in = AsyncProfiler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no " + resource + " on the class path (the jar"
                        + " tools.profiler:async-profiler); give the library with --async-profiler-lib");
            }
            Files.createDirectories(workDir);
            Path lib = workDir.resolve("libasyncProfiler.so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            return lib;
        }
    }

    String event() {
        return event;
    }

    /** Starts sampling in process {@code pid}. */
    void start(long pid) throws IOException, InterruptedException {
        String what = switch (event) {
            case "alloc" -> "event=alloc,alloc=256k";
            case "wall" -> "event=wall,interval=1ms";
            case "lock" -> "event=lock,lock=10us";
            default -> "event=" + event + ",interval=200us";
        };
        agent(pid, "start," + what);
    }

    /**
     * Stops sampling and writes {@code <base>.collapsed} (one line per stack: frames joined by
     * {@code ;}, then the samples) and {@code <base>.html} (a flame graph).
     */
    void stop(long pid, Path base) throws IOException, InterruptedException {
        dump(pid, base);
        agent(pid, "stop,file=" + base.toAbsolutePath().getParent().resolve(base.getFileName() + ".html"));
    }

    /** Writes the stacks sampled so far to {@code <base>.collapsed}; sampling goes on. */
    void dump(long pid, Path base) throws IOException, InterruptedException {
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        agent(pid, "dump,collapsed,file=" + dir.resolve(base.getFileName() + ".collapsed"));
    }

    private void agent(long pid, String options) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(jcmd.toString(), Long.toString(pid), "JVMTI.agent_load",
                // quoted: jcmd's parser would take the first '=' for a name=value argument of its own
                library.toString(), '"' + options + '"')).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !said.contains("return code: 0")) {
            p.destroyForcibly();
            throw new IllegalStateException("async-profiler '" + options + "' in process " + pid + " failed: "
                    + said.strip());
        }
    }
}
