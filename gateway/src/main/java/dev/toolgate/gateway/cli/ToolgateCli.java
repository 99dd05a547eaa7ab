package dev.toolgate.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code toolgate} launcher. */
// INHERIT: every subcommand takes --help/-h (and --version) too
@Command(name = "toolgate", scope = CommandLine.ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "toolgate 0.1.0",
        description = "Toolgate: a gRPC gateway between AI agents and the tools they call.",
        subcommands = {ServeCommand.class, DemoCommand.class, ToolsCommand.class, SearchCommand.class, CallCommand.class, ConfirmCommand.class, AuditCommand.class,
                ImportOpenApiCommand.class, SqlCommand.class, McpCommand.class, AdminCommand.class, SkillCommand.class,
                PolicyCommand.class, ConnectionsCommand.class, ChangesCommand.class, SessionCommand.class,
                LauncherCommands.Test.class, LauncherCommands.Bench.class, HelpCommand.class})
public final class ToolgateCli {
    private ToolgateCli() {
    }

    public static void main(String[] args) {
        dev.toolgate.gateway.logging.WireLogPinning.clearJdkHttpClientSwitches(); // before any JDK HTTP client loads
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new ToolgateCli())
                .setExecutionExceptionHandler(new CliErrors())
                .execute(args);
    }

    /** Runs with the given output streams (commands that print through picocli's writers use them). */
    static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new ToolgateCli())
                .setExecutionExceptionHandler(new CliErrors())
                .setOut(out).setErr(err)
                .execute(args);
    }
}
