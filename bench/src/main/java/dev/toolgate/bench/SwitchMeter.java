package dev.toolgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The context switches of a process's threads (voluntary and involuntary), read from Linux's
 * {@code /proc/<pid>/task/<tid>/status}. Per call, they count the hand-offs between threads a call
 * takes: the event loop waking a carrier for the call's virtual thread, the carrier parking when the
 * call waits for its upstream, the loop waking it again with the answer. Empty where {@code /proc}
 * is not there.
 */
final class SwitchMeter {
    private final Path tasks;

    private SwitchMeter(Path tasks) {
        this.tasks = tasks;
    }

    static Optional<SwitchMeter> of(ProcessHandle process) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        return Files.isDirectory(tasks) ? Optional.of(new SwitchMeter(tasks)) : Optional.empty();
    }

    /** The switches of the threads alive now, so far (threads that ended are not counted). */
    long switches() {
        long total = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    total += switches(Files.readString(t.resolve("status")));
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            return total; // the process ended
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
