package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's async-profiler, with the bundled library, attached to a real JVM it starts. */
class AsyncProfilerTest {
    @TempDir
    Path dir;

    @Test
    void aProfiledRun_writesCollapsedStacksAndAFlameGraphThatShowTheBusyMethod() throws Exception {
        AsyncProfiler profiler = AsyncProfiler.of("itimer", null, dir);
        Process spinner = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Spinner.class.getName()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("spinner.out").toFile()).start();
        try {
            awaitReady(dir.resolve("spinner.out"));
            profiler.start(spinner.pid());
            awaitSampled(profiler, spinner.pid(), dir.resolve("profile"));
            profiler.stop(spinner.pid(), dir.resolve("profile"));
        } finally {
            spinner.destroyForcibly();
            spinner.waitFor(10, TimeUnit.SECONDS);
        }
        String stacks = Files.readString(dir.resolve("profile.collapsed"));
        assertThat(stacks).contains("AsyncProfilerTest$Spinner.spinForTheProfiler");
        assertThat(Files.readString(dir.resolve("profile.html"))).contains("spinForTheProfiler");
    }

    /** Until a dump of the samples so far shows the busy method. */
    private static void awaitSampled(AsyncProfiler profiler, long pid, Path base) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            Thread.sleep(20);
            profiler.dump(pid, base);
            assertThat(System.nanoTime()).as("no sample of the busy method").isLessThan(end);
        } while (!Files.readString(base.resolveSibling("profile.collapsed")).contains("spinForTheProfiler"));
    }

    /** Until the JVM said it runs: attaching to one still starting fails. */
    private static void awaitReady(Path out) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(out).contains("ready")) {
            assertThat(System.nanoTime()).as("the spinner JVM did not start").isLessThan(end);
            Thread.sleep(20);
        }
    }

    @Test
    void anUnknownEventOrAMissingLibrary_isRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> AsyncProfiler.of("cycles", null, dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycles");
        assertThatThrownBy(() -> AsyncProfiler.of("cpu", dir.resolve("none.so"), dir))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("none.so");
    }

    /** A JVM busy in one named method until it is killed. */
    public static final class Spinner {
        public static void main(String[] args) {
            double x = 0;
            System.out.println("ready");
            System.out.flush();
            while (true) {
                x = spinForTheProfiler(x);
            }
        }

        static double spinForTheProfiler(double x) {
            for (int i = 0; i < 1_000; i++) {
                x += Math.sqrt(x + i);
            }
            return x % 1e9;
        }
    }
}
