package dev.toolgate.bench;

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

    /** The switches of the threads alive now, so far (threads that ended are not counted). */
    long switches() {
        return tasks.sum("status", SwitchMeter::switches);
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
