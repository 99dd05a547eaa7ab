package dev.toolgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/** A process's threads as Linux lists them ({@code /proc/<pid>/task/<tid>/}): per-thread counters, summed. */
final class ProcTasks {
    private final Path tasks;

    private ProcTasks(Path tasks) {
        this.tasks = tasks;
    }

    /** Empty where {@code /proc} is not there. */
    static Optional<ProcTasks> of(ProcessHandle process) {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        return Files.isDirectory(tasks) ? Optional.of(new ProcTasks(tasks)) : Optional.empty();
    }

    /**
     * {@code perThread} of the text of each live thread's {@code file} ({@code stat}, {@code status}),
     * added up; threads that ended in between, and a process that ended, count nothing.
     */
    long sum(String file, ToLongFunction<String> perThread) {
        return byThread(file, perThread).values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code perThread} of each live thread's {@code file}, by thread id. */
    Map<String, Long> byThread(String file, ToLongFunction<String> perThread) {
        Map<String, Long> values = new HashMap<>();
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    values.put(t.getFileName().toString(), perThread.applyAsLong(Files.readString(t.resolve(file))));
                } catch (IOException e) {
                    // the thread ended
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return values; // the process ended, or its task list changed under the listing
        }
        return values;
    }
}
