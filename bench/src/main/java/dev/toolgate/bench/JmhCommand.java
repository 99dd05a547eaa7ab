package dev.toolgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs the JMH microbenchmarks of the hot path stages (dev.toolgate.bench.jmh and the
 * package-private ones beside the code they measure). Arguments go to JMH unchanged; without
 * any, one fork with short warm-up and measurement, results as JSON in bench/target/results.
 */
@Command(name = "jmh", description = "Run the JMH microbenchmarks (arguments are passed to JMH, e.g. -h, or a benchmark regex).")
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> jmh = new ArrayList<>(args);
        if (jmh.isEmpty()) {
            Path out = Path.of("bench/target/results");
            Files.createDirectories(out);
            jmh.addAll(List.of("-f", "1", "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s",
                    "-rf", "json", "-rff", out.resolve("jmh.json").toString()));
        }
        org.openjdk.jmh.Main.main(jmh.toArray(new String[0]));
        return 0;
    }
}
