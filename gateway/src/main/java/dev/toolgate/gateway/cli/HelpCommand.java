package dev.toolgate.gateway.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Parameters;

/**
 * {@code toolgate help [COMMAND...]}: the usage of any command, however deep
 * ({@code toolgate help admin create-key}); picocli's own help command looks one level down only.
 */
@Command(name = "help", helpCommand = true, description = "Show the usage of a command: toolgate help admin create-key")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(arity = "0..*", paramLabel = "COMMAND", description = "The command (and subcommands) to explain.")
    List<String> path = List.of();

    private CommandLine parent;
    private Help.ColorScheme colors;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.parent = helpCommandLine.getParent();
        this.colors = colorScheme;
    }

    @Override
    public void run() {
        CommandLine target = parent;
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(target,
                        "Unknown command '" + name + "' under '" + target.getCommandSpec().qualifiedName() + "'");
            }
            target = next;
        }
        target.usage(target.getOut(), colors);
    }
}
