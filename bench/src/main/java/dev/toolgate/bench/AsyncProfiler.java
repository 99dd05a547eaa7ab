package dev.toolgate.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * async-profiler attached to a running gateway for one measured run: {@code jcmd <pid>
 * JVMTI.agent_load <lib> start,…} before it, then a collapsed-stacks dump and a flame graph after.
 * The library is async-profiler's {@code libasyncProfiler.so} (its Maven Central jar,
 * {@code tools.profiler:async-profiler}, holds one per platform under {@code linux-x64/}).
 * Not shared: one run profiled at a time.
 */
final class AsyncProfiler {
    /** Events this harness asks for; async-profiler knows more. */
    static final Set<String> EVENTS = Set.of("cpu", "itimer", "wall", "alloc", "lock");

    private final Path library;
    private final String event;
    private final Path jcmd;

    AsyncProfiler(Path library, String event) {
        this.library = requireNonNull(library, "library").toAbsolutePath();
        this.event = requireNonNull(event, "event");
        if (!Files.isRegularFile(this.library)) {
            throw new IllegalArgumentException("no async-profiler library at " + this.library
                    + " (libasyncProfiler.so: unzip linux-x64/ from the jar tools.profiler:async-profiler)");
        }
        if (!EVENTS.contains(event)) {
            throw new IllegalArgumentException("profile event must be one of " + EVENTS + ", but was " + event);
        }
        this.jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
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
        Path dir = base.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String name = base.getFileName().toString();
        agent(pid, "dump,collapsed,file=" + dir.resolve(name + ".collapsed"));
        agent(pid, "stop,file=" + dir.resolve(name + ".html"));
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
