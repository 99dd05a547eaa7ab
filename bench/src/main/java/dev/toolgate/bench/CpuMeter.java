package dev.toolgate.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time (user + system, from the operating system) used by a set of processes — the gateway's,
 * PostgreSQL's server processes — so a run's cost per call can be read off the difference of two
 * samples. Processes are matched by pid: one that ended between the samples is left out, one that
 * started counts from zero, so the difference is never negative.
 */
final class CpuMeter {
    /** CPU time per pid at one moment. */
    record Sample(Map<Long, Duration> byPid) {
    }

    private final Supplier<List<ProcessHandle>> processes;

    private CpuMeter(Supplier<List<ProcessHandle>> processes) {
        this.processes = processes;
    }

    static CpuMeter of(ProcessHandle process) {
        return new CpuMeter(() -> List.of(process));
    }

    /** Every PostgreSQL server process on this machine (backends, WAL writer, checkpointer…), found anew each sample. */
    static CpuMeter postgres() {
        return new CpuMeter(() -> ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres") || c.equals("postgres")).orElse(false))
                .toList());
    }

    Sample sample() {
        Map<Long, Duration> byPid = new HashMap<>();
        for (ProcessHandle p : processes.get()) {
            byPid.put(p.pid(), p.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return new Sample(byPid);
    }

    /** CPU used since {@code before} by the processes alive now. */
    Duration since(Sample before) {
        Duration total = Duration.ZERO;
        for (Map.Entry<Long, Duration> now : sample().byPid().entrySet()) {
            Duration used = now.getValue().minus(before.byPid().getOrDefault(now.getKey(), Duration.ZERO));
            if (!used.isNegative()) {
                total = total.plus(used);
            }
        }
        return total;
    }
}
