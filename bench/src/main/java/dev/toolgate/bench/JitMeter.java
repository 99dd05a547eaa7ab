package dev.toolgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time of a JVM's JIT compiler threads ({@code C1 CompilerThread…}, {@code C2 CompilerThread…}),
 * read from Linux's {@code /proc/<pid>/task/<tid>/stat}. The compilers' share of the process's CPU
 * says whether a run measured steady state: while C2 still compiles the call path it takes a core
 * of its own from the calls. Empty where {@code /proc} is not there.
 */
final class JitMeter {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture the JDK runs on

    private final Path tasks;

    private JitMeter(Path tasks) {
        this.tasks = tasks;
    }

    static Optional<JitMeter> of(ProcessHandle process) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        return Files.isDirectory(tasks) ? Optional.of(new JitMeter(tasks)) : Optional.empty();
    }

    /** The compiler threads' CPU (user + system) so far; threads that ended are not counted. */
    Duration cpu() {
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                ticks += compilerTicks(t.resolve("stat"));
            }
        } catch (IOException e) {
            return Duration.ZERO; // the process ended
        }
        return Duration.ofMillis(ticks * 1_000 / TICKS_PER_SECOND);
    }

    /** utime + stime of one thread when it is a compiler thread, else 0. */
    static long compilerTicks(Path stat) {
        String line;
        try {
            line = Files.readString(stat);
        } catch (IOException e) {
            return 0; // the thread ended
        }
        return compilerTicks(line);
    }

    /** As {@link #compilerTicks(Path)} for the text of a stat file: {@code pid (comm) state … utime stime …}. */
    static long compilerTicks(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return 0;
        }
        String comm = stat.substring(open + 1, close);
        if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
            return 0;
        }
        String[] fields = stat.substring(close + 2).split(" ");
        // after the comm: state(0) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
        return fields.length > 12 ? Long.parseLong(fields[11]) + Long.parseLong(fields[12]) : 0;
    }
}
