package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Walks the whole command tree: every command explains itself with --help, -h and `help`. */
class CliHelpTest {

    static Stream<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(ToolgateCli.class), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name) && !name.equals("help")) { // aliases once
                List<String> child = new ArrayList<>(path);
                child.add(name);
                collect(sub, child, into);
            }
        });
    }

    @ParameterizedTest(name = "toolgate {0} --help")
    @MethodSource("commandPaths")
    void everyCommand_longHelpOption_printsItsOwnUsage_andExitsZero(List<String> path) {
        assertOwnUsage(path, "--help");
    }

    @ParameterizedTest(name = "toolgate {0} -h")
    @MethodSource("commandPaths")
    void everyCommand_shortHelpOption_printsItsOwnUsage_andExitsZero(List<String> path) {
        assertOwnUsage(path, "-h");
    }

    @ParameterizedTest(name = "toolgate help {0}")
    @MethodSource("commandPaths")
    void helpCommand_namingAnyCommand_printsThatCommandsUsage(List<String> path) {
        List<String> args = new ArrayList<>();
        args.add("help");
        args.addAll(path);
        Result r = run(args);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).startsWith(usageLine(path));
    }

    @org.junit.jupiter.api.Test
    void topLevelHelp_listsTheLauncherCommandsTestAndBench() {
        Result r = run(List.of("--help"));
        assertThat(r.out).containsPattern("(?m)^\\s+test\\s+Run the whole test suite")
                .containsPattern("(?m)^\\s+bench\\s+Run the load harness");
    }

    @org.junit.jupiter.api.Test
    void launcherCommand_runThroughTheJar_saysToUseTheLauncher() {
        Result r = run(List.of("test"));
        assertThat(r.exit).isEqualTo(CliErrors.EXIT_FAILURE);
        assertThat(r.err).contains("./toolgate test");
    }

    private static void assertOwnUsage(List<String> path, String option) {
        List<String> args = new ArrayList<>(path);
        args.add(option);
        Result r = run(args);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).startsWith(usageLine(path));
        assertThat(r.err).isEmpty();
    }

    private static String usageLine(List<String> path) {
        return "Usage: toolgate" + (path.isEmpty() ? "" : " " + String.join(" ", path)) + " ";
    }

    private static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ToolgateCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    private record Result(int exit, String out, String err) {
    }
}
