package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "call", description = "Execute a tool through the gateway (key from TOOLGATE_API_KEY); prints result_json.")
final class CallCommand implements Callable<Integer> {
    static final int EXIT_UPSTREAM_ERROR = 2;
    /** The call is held until a human confirms it. */
    static final int EXIT_HELD = 3;

    @Parameters(index = "0", paramLabel = "TOOL", description = "qualified tool name, e.g. support_desk.create_support_case")
    String tool;

    @Parameters(index = "1", paramLabel = "JSON", defaultValue = "{}", description = "arguments as a JSON object")
    String arguments;

    @Option(names = "--call-id", description = "idempotency key for this call (generated when absent)")
    String callId = "";

    @Option(names = {"--session", "--session-id"}, description = "groups the calls of one agent session")
    String sessionId = "";

    @Option(names = "--skill", description = "the skill of your key to call under (needed when several include the tool)")
    String skill = "";

    @Option(names = "--user", description = "the end user the call is made for (needs a key with users:assert)")
    String userId = "";

    @Option(names = "--user-token-env", paramLabel = "VAR", description = "environment variable holding the end"
            + " user's JWT from the tenant's identity provider (a token is never passed as an argument)")
    String userTokenEnv = "";

    @Option(names = "--deadline", description = "gRPC deadline in seconds (default ${DEFAULT-VALUE})", defaultValue = "60")
    long deadlineSeconds;

    @Override
    public Integer call() throws Exception {
        ExecuteToolRequest.Builder request = ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(arguments)
                .setCallId(callId).setSessionId(sessionId).setSkill(skill);
        if (!userTokenEnv.isEmpty()) {
            String token = System.getenv(userTokenEnv);
            if (token == null || token.isBlank()) {
                throw new CliException("--user-token-env " + userTokenEnv + ": that environment variable is not set");
            }
            request.setUser(EndUser.newBuilder().setToken(token.strip()));
        } else if (!userId.isEmpty()) {
            request.setUser(EndUser.newBuilder().setUserId(userId));
        }
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            ExecuteToolResponse r = ToolServiceGrpc.newBlockingStub(conn.channel())
                    .withCallCredentials(conn.credentials())
                    .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS)
                    .executeTool(request.build());
            if (r.getStatus() == CallStatus.CALL_STATUS_PENDING_CONFIRMATION) {
                System.out.println(r.getConfirmation().getSummary());
                System.err.println("call " + r.getCallId() + " is held for confirmation until "
                        + Instant.ofEpochSecond(r.getConfirmation().getExpiresAt().getSeconds()) + "; a human approves it"
                        + " with: toolgate confirm " + r.getCallId() + " (or --deny), using a key with tools:confirm");
                return EXIT_HELD;
            }
            System.out.println(r.getResultJson());
            System.err.println("call " + r.getCallId() + ": " + r.getStatus().name().replace("CALL_STATUS_", "")
                    + ", upstream status " + r.getUpstreamStatus() + ", tool version " + r.getToolVersion()
                    + (r.getReplayed() ? " (replayed: this call id ran before; nothing ran again)" : ""));
            return r.getIsError() ? EXIT_UPSTREAM_ERROR : 0;
        }
    }
}
