package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.McpSyncReport;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.SyncMcpIntegrationRequest;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate mcp}: MCP servers as integrations. */
@Command(name = "mcp", description = "MCP servers as integrations: their tools synced into the catalog.",
        subcommands = {McpCommand.Add.class, McpCommand.Sync.class})
final class McpCommand {

    /** {@code toolgate mcp add --tenant T [--bearer-secret S] INTEGRATION URL}. */
    @Command(name = "add", description = {
            "Register (or change) an MCP server reached over Streamable HTTP and store the tools it lists now"
                    + " (key from TOOLGATE_ADMIN_KEY). See docs/mcp.md."})
    static final class Add implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Option(names = "--bearer-secret", description = "name of the tenant's secret sent as the bearer token")
        String bearerSecret = "";
        @Option(names = "--description") String description = "";
        @Option(names = "--trust-annotations", description = "take the server's readOnlyHint and idempotentHint"
                + " at their word (read-only tools skip the start row and are retried)")
        boolean trustAnnotations;
        @Option(names = "--secret-header", description = "HEADER=SECRET: send the secret's value as this header")
        java.util.Map<String, String> secretHeaders = new java.util.LinkedHashMap<>();
        @Parameters(index = "0", paramLabel = "INTEGRATION") String integration;
        @Parameters(index = "1", paramLabel = "URL", description = "the server's endpoint, e.g. https://host/mcp")
        String url;

        @Override
        public Integer call() throws Exception {
            PutMcpIntegrationRequest.Builder request = PutMcpIntegrationRequest.newBuilder().setTenant(tenant)
                    .setName(integration).setUrl(url).setDescription(description).setTrustAnnotations(trustAnnotations)
                    .putAllSecretHeaders(secretHeaders);
            if (!bearerSecret.isEmpty()) {
                request.setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret(bearerSecret)));
            }
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                print(tenant, AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                        .withDeadlineAfter(1, TimeUnit.MINUTES).putMcpIntegration(request.build()));
            }
            return 0;
        }
    }

    /** {@code toolgate mcp sync --tenant T INTEGRATION}. */
    @Command(name = "sync", description = "List an MCP integration's tools on its server now and store the"
            + " differences (key from TOOLGATE_ADMIN_KEY).")
    static final class Sync implements Callable<Integer> {
        @Option(names = "--tenant", required = true) String tenant;
        @Parameters(index = "0", paramLabel = "INTEGRATION") String integration;

        @Override
        public Integer call() throws Exception {
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_ADMIN_KEY")) {
                print(tenant, AdminServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                        .withDeadlineAfter(1, TimeUnit.MINUTES).syncMcpIntegration(SyncMcpIntegrationRequest
                                .newBuilder().setTenant(tenant).setIntegration(integration).build()));
            }
            return 0;
        }
    }

    private static void print(String tenant, McpSyncReport r) {
        System.out.printf("integration %s (server %s %s): %d added, %d changed, %d unchanged, %d removed%n",
                r.getIntegration(), r.getServerName().isEmpty() ? "?" : r.getServerName(), r.getServerVersion(),
                r.getAddedCount(), r.getChangedCount(), r.getUnchangedCount(), r.getRemovedCount());
        r.getAddedList().forEach(t -> System.out.println("  + " + t));
        r.getChangedList().forEach(t -> System.out.println("  ~ " + t));
        r.getRemovedList().forEach(t -> System.out.println("  - " + t));
        r.getHeldList().forEach(t -> System.out.println("  ? " + t + ": definition changed, held for review"
                + " (toolgate changes list --tenant " + tenant + ")"));
        r.getRejectedMap().forEach((tool, why) -> System.out.println("  ! " + tool + ": " + why));
        PolicyNotice.notAllowed(tenant, r.getIntegration(), r.getNotAllowedList());
    }
}
