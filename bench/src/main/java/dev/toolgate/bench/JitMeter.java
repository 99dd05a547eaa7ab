package dev.toolgate.bench;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU time of a JVM's JIT compiler threads ({@code C1 CompilerThread…}, {@code C2 CompilerThread…}),
 * read from Linux's {@code /proc/<pid>/task/<tid>/stat}. The compilers' share of the process's CPU
 * says whether a run measured steady state: while C2 still compiles the call path it takes a core
 * of its own from the calls. Empty where {@code /proc} is not there.
 */
final class JitMeter {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture the JDK runs on

    private final ProcTasks tasks;

    private JitMeter(ProcTasks tasks) {
        this.tasks = tasks;
    }

    static Optional<JitMeter> of(ProcessHandle process) {
        return ProcTasks.of(process).map(JitMeter::new);
    }

    /** The compiler threads' CPU (user + system) so far; threads that ended are not counted. */
    Duration cpu() {
        return Duration.ofMillis(tasks.sum("stat", JitMeter::compilerTicks) * 1_000 / TICKS_PER_SECOND);
    }

    /** utime + stime of one thread when it is a compiler thread, else 0, from its stat file: {@code pid (comm) state … utime stime …}. */
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
