package dev.toolgate.bench;

import java.util.Map;
import java.util.Optional;

/**
 * The context switches of a process's threads (voluntary and involuntary), read from Linux's
 * {@code /proc/<pid>/task/<tid>/status}. Per call, they count the hand-offs between threads a call
 * takes: the event loop waking a carrier for the call's virtual thread, the carrier parking when the
 * call waits for its upstream, the loop waking it again with the answer. Empty where {@code /proc}
 * is not there.
 */
final class SwitchMeter {
    private final ProcTasks tasks;

    private SwitchMeter(ProcTasks tasks) {
        this.tasks = tasks;
    }

    static Optional<SwitchMeter> of(ProcessHandle process) {
        return ProcTasks.of(process).map(SwitchMeter::new);
    }

    /** Each live thread's switches so far, by thread id. */
    Map<String, Long> sample() {
        return tasks.byThread("status", SwitchMeter::switches);
    }

    /**
     * The switches since {@code before} of the threads alive now (a thread started since counts from
     * zero; one that ended in between is left out, never counted below zero).
     */
    long since(Map<String, Long> before) {
        long total = 0;
        for (Map.Entry<String, Long> now : sample().entrySet()) {
            total += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
        }
        return total;
    }

    /** {@code voluntary_ctxt_switches} + {@code nonvoluntary_ctxt_switches} of one status file's text. */
    static long switches(String status) {
        long total = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
        }
        return total;
    }
}
