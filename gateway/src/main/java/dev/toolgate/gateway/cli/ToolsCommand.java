package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportNote;
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

    @Option(names = "--format", description = "print the tools as JSON for an LLM provider: openai, openai-strict,"
            + " anthropic, anthropic-deferred, gemini or mcp (what each changed is printed to stderr)")
    String format;

    @Option(names = "--trim", description = "with --format: shorten input schemas over 100 KB so a model can take them")
    boolean trim;

    @Option(names = "--quiet-notes", description = "with --format: do not print the export notes")
    boolean quietNotes;

    @Option(names = "--integration", description = "only the tools of this integration")
    String integration = "";

    @Option(names = "--skill", description = "only the tools of this skill")
    String skill = "";

    @Option(names = "--tag", description = "only tools with this tag (repeatable: tools with any of them)")
    java.util.List<String> tags = new java.util.ArrayList<>();

    @Option(names = "--all-tags", description = "with several --tag: only tools with every one of them")
    boolean allTags;

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
                    .setIntegration(integration).setSkill(skill).addAllTags(tags).setTagsMatchAll(allTags)
                    .setPageToken(token).build());
            for (Tool t : page.getToolsList()) {
                any = true;
                System.out.println(t.getName() + " (v" + t.getVersion() + ")  " + firstLine(t.getDescription())
                        + (t.getTagsCount() == 0 ? "" : "  [" + String.join(", ", t.getTagsList()) + "]"));
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
        int notes = 0;
        do {
            var page = stub.withDeadlineAfter(30, TimeUnit.SECONDS).exportTools(ExportToolsRequest.newBuilder()
                    .setFormat(exportFormat).setIntegration(integration).setSkill(skill).addAllTags(tags)
                    .setTagsMatchAll(allTags).setPageToken(token)
                    .setTrimLargeSchemas(trim).build());
            all.addAll((com.fasterxml.jackson.databind.node.ArrayNode) dev.toolgate.gateway.core.JsonSupport.mapper()
                    .readTree(page.getToolsJson()));
            notes += page.getNotesCount();
            if (!quietNotes) {
                for (ExportNote n : page.getNotesList()) {
                    System.err.println(n.getExportedName() + ": " + n.getKind().name()
                            .substring("EXPORT_NOTE_KIND_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                            + ": " + n.getMessage());
                }
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        System.out.println(all);
        if (notes > 0) {
            System.err.println("toolgate: " + notes + " export note(s)" + (quietNotes ? " (not printed: --quiet-notes)"
                    : " above") + ": what the export changed to fit " + format + "'s rules (docs/catalog.md#exports)");
        }
        if (all.isEmpty()) {
            System.err.println(NOTHING_VISIBLE);
        }
        return 0;
    }

    private static ExportFormat exportFormat(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "openai" -> ExportFormat.EXPORT_FORMAT_OPENAI;
            case "openai-strict" -> ExportFormat.EXPORT_FORMAT_OPENAI_STRICT;
            case "anthropic" -> ExportFormat.EXPORT_FORMAT_ANTHROPIC;
            case "anthropic-deferred" -> ExportFormat.EXPORT_FORMAT_ANTHROPIC_DEFERRED;
            case "gemini" -> ExportFormat.EXPORT_FORMAT_GEMINI;
            case "mcp" -> ExportFormat.EXPORT_FORMAT_MCP;
            default -> throw new CliException("--format must be openai, openai-strict, anthropic, anthropic-deferred,"
                    + " gemini or mcp, but was '" + name + "'");
        };
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse("");
    }
}
