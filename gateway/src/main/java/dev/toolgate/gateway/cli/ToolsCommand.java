package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tools", description = "List the tools of your tenant (key from TOOLGATE_API_KEY).")
final class ToolsCommand implements Callable<Integer> {
    /** Said when the list is empty; the agent learns nothing about tools it may not see. */
    static final String NOTHING_VISIBLE = "toolgate: no tools: the tenant's policy allows this agent none (or the"
            + " tenant has none yet). Policies are default-deny: a rule must allow a tool to this agent"
            + " (docs/policies.md).";

    @Option(names = "--schemas", description = "also print each input schema")
    boolean schemas;

    @Option(names = "--format", description = "print the tools as JSON for an LLM provider: openai, anthropic or mcp")
    String format;

    @Option(names = "--integration", description = "only the tools of this integration")
    String integration = "";

    @Option(names = "--skill", description = "only the tools of this skill")
    String skill = "";

    @Override
    public Integer call() throws Exception {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            ToolServiceGrpc.ToolServiceBlockingStub stub = ToolServiceGrpc.newBlockingStub(conn.channel())
                    .withCallCredentials(conn.credentials());
            return format != null ? export(stub) : list(stub);
        }
    }

    /** Every page, printed as it comes. */
    private int list(ToolServiceGrpc.ToolServiceBlockingStub stub) {
        String token = "";
        boolean any = false;
        do {
            var page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).listTools(ListToolsRequest.newBuilder()
                    .setIntegration(integration).setSkill(skill).setPageToken(token).build());
            for (Tool t : page.getToolsList()) {
                any = true;
                System.out.println(t.getName() + " (v" + t.getVersion() + ")  " + firstLine(t.getDescription()));
                if (schemas) {
                    System.out.println("  " + t.getInputSchemaJson());
                }
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (!any) {
            System.err.println(NOTHING_VISIBLE);
        }
        return 0;
    }

    /** Every page joined into one JSON array. */
    private int export(ToolServiceGrpc.ToolServiceBlockingStub stub) throws Exception {
        ExportFormat exportFormat = exportFormat(format);
        com.fasterxml.jackson.databind.node.ArrayNode all = dev.toolgate.gateway.core.JsonSupport.mapper()
                .createArrayNode();
        String token = "";
        do {
            var page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).exportTools(ExportToolsRequest.newBuilder()
                    .setFormat(exportFormat).setIntegration(integration).setSkill(skill).setPageToken(token).build());
            all.addAll((com.fasterxml.jackson.databind.node.ArrayNode) dev.toolgate.gateway.core.JsonSupport.mapper()
                    .readTree(page.getToolsJson()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        System.out.println(all);
        if (all.isEmpty()) {
            System.err.println(NOTHING_VISIBLE);
        }
        return 0;
    }

    private static ExportFormat exportFormat(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "openai" -> ExportFormat.EXPORT_FORMAT_OPENAI;
            case "anthropic" -> ExportFormat.EXPORT_FORMAT_ANTHROPIC;
            case "mcp" -> ExportFormat.EXPORT_FORMAT_MCP;
            default -> throw new CliException("--format must be openai, anthropic or mcp, but was '" + name + "'");
        };
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }
}
