package dev.toolgate.gateway.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Commands the {@code ./toolgate} launcher runs itself (they need Maven or the benchmark jar, not the
 * gateway). They are declared here so that {@code --help} lists them and explains them; run through
 * the jar they say where they live.
 */
final class LauncherCommands {
    private LauncherCommands() {
    }

    @Command(name = "test", description = {
            "Run the whole test suite (mvn verify).",
            "PostgreSQL: 127.0.0.1:5432, database `test`, user postgres, unless",
            "TOOLGATE_TEST_DB_URL, TOOLGATE_TEST_DB_USER, TOOLGATE_TEST_DB_PASSWORD",
            "say otherwise. The Node.js packages of examples/ are installed on first",
            "use. Extra arguments go to Maven, e.g. one test class:",
            "  ./toolgate test -pl gateway -am -Dtest=CliTest \\",
            "    -Dsurefire.failIfNoSpecifiedTests=false"})
    static final class Test implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "MAVEN_ARG", description = "Passed to `mvn verify`.")
        List<String> mavenArgs = List.of();

        @Override
        public Integer call() {
            throw new CliException("`test` is run by the launcher: ./toolgate test");
        }
    }

    @Command(name = "bench", description = {
            "Run the load harness against a gateway it starts",
            "(docs/benchmarks.md); `./toolgate bench --help` lists its options."})
    static final class Bench implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "HARNESS_ARG", description = "Passed to the harness.")
        List<String> harnessArgs = List.of();

        @Override
        public Integer call() {
            throw new CliException("`bench` is run by the launcher: ./toolgate bench");
        }
    }
}
