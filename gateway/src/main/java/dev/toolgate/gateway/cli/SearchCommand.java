package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.SearchToolsRequest;
import dev.toolgate.proto.v1.SearchToolsResponse;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "search", description = "Find the tools that fit a task, best first (key from TOOLGATE_API_KEY).")
final class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "QUERY", description = "what the tool should do, in words")
    String query;

    @Option(names = "--limit", description = "at most this many tools (default 10, at most 50)")
    int limit;

    @Option(names = "--integration", description = "only the tools of this integration")
    String integration = "";

    @Option(names = "--skill", description = "only the tools of this skill")
    String skill = "";

    @Option(names = "--tag", description = "only tools with this tag (repeatable: tools with any of them)")
    java.util.List<String> tags = new java.util.ArrayList<>();

    @Option(names = "--all-tags", description = "with several --tag: only tools with every one of them")
    boolean allTags;

    @Option(names = "--schemas", description = "also print each input schema")
    boolean schemas;

    @Override
    public Integer call() throws Exception {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            SearchToolsResponse found = ToolServiceGrpc.newBlockingStub(conn.channel())
                    .withCallCredentials(conn.credentials()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .searchTools(SearchToolsRequest.newBuilder().setQuery(query).setLimit(limit)
                            .setIntegration(integration).setSkill(skill).addAllTags(tags).setTagsMatchAll(allTags)
                            .build());
            if (found.getToolsCount() == 0) {
                System.err.println("toolgate: no tool you may use matches; try other words");
            }
            for (Tool t : found.getToolsList()) {
                System.out.println(t.getName() + "  " + t.getDescription().lines().findFirst().orElse(""));
                if (schemas) {
                    System.out.println("  " + t.getInputSchemaJson());
                }
            }
            return 0;
        }
    }
}
