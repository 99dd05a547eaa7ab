package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.DeleteConnectionRequest;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ListConnectionsRequest;
import dev.toolgate.proto.v1.ListConnectionsResponse;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UserConnection;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate connections list|delete}: an end user's connected accounts (agent key from TOOLGATE_API_KEY). */
@Command(name = "connections", description = "List or disconnect an end user's connected accounts (key from"
        + " TOOLGATE_API_KEY; docs/identity.md).",
        subcommands = {ConnectionsCommand.List.class, ConnectionsCommand.Delete.class})
final class ConnectionsCommand {

    /** How the end user is named: a token from an environment variable, or an id (users:assert keys). */
    static final class UserOptions {
        @Option(names = "--user", description = "the end user's id (needs a key with users:assert)") String userId = "";
        @Option(names = "--user-token-env", paramLabel = "VAR", description = "environment variable holding the"
                + " user's JWT from the tenant's identity provider") String tokenEnv = "";

        EndUser user() {
            if (!tokenEnv.isEmpty()) {
                String token = System.getenv(tokenEnv);
                if (token == null || token.isBlank()) {
                    throw new CliException("--user-token-env " + tokenEnv + ": that environment variable is not set");
                }
                return EndUser.newBuilder().setToken(token.strip()).build();
            }
            if (userId.isEmpty()) {
                throw new CliException("name the user: --user ID or --user-token-env VAR");
            }
            return EndUser.newBuilder().setUserId(userId).build();
        }
    }

    static <T> T tools(Function<ToolServiceGrpc.ToolServiceBlockingStub, T> rpc) throws InterruptedException {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            return rpc.apply(ToolServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                    .withDeadlineAfter(30, TimeUnit.SECONDS));
        }
    }

    @Command(name = "list", description = "The user's connected integrations.")
    static final class List implements Callable<Integer> {
        @picocli.CommandLine.Mixin UserOptions user = new UserOptions();

        @Override
        public Integer call() throws Exception {
            ListConnectionsResponse r = tools(s -> s.listConnections(ListConnectionsRequest.newBuilder()
                    .setUser(user.user()).build()));
            for (UserConnection c : r.getConnectionsList()) {
                System.out.println(c.getIntegration() + (c.getSkill().isEmpty() ? "" : "  skill " + c.getSkill())
                        + "  connected " + Instant.ofEpochSecond(
                        c.getConnectedAt().getSeconds()) + "  refreshed " + Instant.ofEpochSecond(
                        c.getRefreshedAt().getSeconds()));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Disconnect the user's account of an integration.")
    static final class Delete implements Callable<Integer> {
        @picocli.CommandLine.Mixin UserOptions user = new UserOptions();
        @Parameters(paramLabel = "INTEGRATION") String integration;
        @Option(names = "--skill", description = "only the connection made under this skill (default: every one"
                + " of the integration the key can see)") String skill = "";

        @Override
        public Integer call() throws Exception {
            tools(s -> s.deleteConnection(DeleteConnectionRequest.newBuilder().setUser(user.user())
                    .setIntegration(integration).setSkill(skill).build()));
            System.out.println("disconnected from " + integration);
            return 0;
        }
    }
}
