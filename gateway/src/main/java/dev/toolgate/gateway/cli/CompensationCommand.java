package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.DeleteToolCompensationRequest;
import dev.toolgate.proto.v1.ListToolCompensationsRequest;
import dev.toolgate.proto.v1.SetToolCompensationRequest;
import dev.toolgate.proto.v1.ToolCompensation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate admin compensation set|delete|list}: how CompensateSession undoes a tool's calls. */
@Command(name = "compensation", description = "How CompensateSession undoes a tool's calls (key from"
        + " TOOLGATE_ADMIN_KEY).", subcommands = {CompensationCommand.Set.class, CompensationCommand.Delete.class,
        CompensationCommand.ListAll.class})
final class CompensationCommand {
    private CompensationCommand() {
    }

    @Command(name = "set", description = {"Declare the compensating tool of TOOL and how its arguments are built from"
            + " the original call: --arg NAME=/result/id (JSON Pointers into /arguments and /result) or"
            + " --expression CEL.", "e.g. toolgate admin compensation set --tenant acme shop.create_order"
            + " --with shop.cancel_order --arg order_id=/result/id"})
    static final class Set implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "TOOL", description = "the compensated tool, integration.tool")
        String tool;
        @Option(names = "--with", required = true, paramLabel = "TOOL", description = "the compensating tool")
        String with;
        @Option(names = "--arg", paramLabel = "NAME=POINTER", description = "an argument of the compensating call")
        List<String> args = List.of();
        @Option(names = "--expression", paramLabel = "CEL", description = "a CEL expression over args and result"
                + " giving the arguments object") String expression = "";

        @Override
        public Integer call() throws Exception {
            Map<String, String> pointers = new LinkedHashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new CliException("--arg must be NAME=POINTER, e.g. order_id=/result/id, but was '" + a + "'");
                }
                pointers.put(a.substring(0, eq), a.substring(eq + 1));
            }
            ToolCompensation c = AdminCommand.admin(s -> s.setToolCompensation(SetToolCompensationRequest.newBuilder()
                    .setTenant(tenant).setCompensation(ToolCompensation.newBuilder().setTool(tool)
                            .setCompensatingTool(with).putAllArguments(pointers).setExpression(expression)).build()))
                    .getCompensation();
            System.out.println(line(c));
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove the compensation of TOOL.")
    static final class Delete implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "TOOL") String tool;

        @Override
        public Integer call() throws Exception {
            AdminCommand.admin(s -> s.deleteToolCompensation(DeleteToolCompensationRequest.newBuilder()
                    .setTenant(tenant).setTool(tool).build()));
            System.out.println("compensation of " + tool + " removed");
            return 0;
        }
    }

    @Command(name = "list", description = "The tenant's compensations, one line each.")
    static final class ListAll implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;

        @Override
        public Integer call() throws Exception {
            AdminCommand.admin(s -> s.listToolCompensations(ListToolCompensationsRequest.newBuilder()
                    .setTenant(tenant).build())).getCompensationsList().forEach(c -> System.out.println(line(c)));
            return 0;
        }
    }

    private static String line(ToolCompensation c) {
        return c.getTool() + " -> " + c.getCompensatingTool() + " " + (c.getExpression().isEmpty()
                ? new java.util.TreeMap<>(c.getArgumentsMap()).toString() : c.getExpression());
    }
}
