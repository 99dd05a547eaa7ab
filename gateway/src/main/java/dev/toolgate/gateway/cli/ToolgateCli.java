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
        clientsOnJavaTransport(args);
        System.exit(run(args));
    }

    /** The commands that run a gateway; the others are clients of one. */
    private static final java.util.Set<String> SERVERS = java.util.Set.of("serve", "demo");

    /**
     * A client command's one gRPC channel runs on Java's NIO: grpc-netty would otherwise load Netty's
     * native epoll library for it, which costs start-up time for nothing and makes JDK 22+ print
     * native-access warnings when the jar is not started with {@code -jar}. Set before any Netty
     * class loads; an explicit {@code -Dio.netty.transport.noNative} wins.
     */
    static void clientsOnJavaTransport(String... args) {
        boolean server = args.length > 0 && SERVERS.contains(args[0]);
        if (!server && System.getProperty("io.netty.transport.noNative") == null) {
            System.setProperty("io.netty.transport.noNative", "true");
        }
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
