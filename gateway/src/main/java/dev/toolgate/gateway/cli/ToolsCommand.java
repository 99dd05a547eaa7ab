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
    @Option(names = "--schemas", description = "also print each input schema")
    boolean schemas;

    @Option(names = "--format", description = "print the tools as JSON for an LLM provider: openai, anthropic or mcp")
    String format;

    @Override
    public Integer call() throws Exception {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            if (format != null) {
                System.out.println(ToolServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .exportTools(ExportToolsRequest.newBuilder().setFormat(exportFormat(format)).build())
                        .getToolsJson());
                return 0;
            }
            for (Tool t : ToolServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listTools(ListToolsRequest.getDefaultInstance()).getToolsList()) {
                System.out.println(t.getName() + " (v" + t.getVersion() + ")  " + firstLine(t.getDescription()));
                if (schemas) {
                    System.out.println("  " + t.getInputSchemaJson());
                }
            }
            return 0;
        }
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
