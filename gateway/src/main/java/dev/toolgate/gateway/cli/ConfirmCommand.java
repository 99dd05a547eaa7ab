package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate confirm CALL_ID [--deny] [--reason TEXT]}: a human decides a held call. */
@Command(name = "confirm", description = {
        "Approve (default) or deny a call held for confirmation (key from TOOLGATE_API_KEY: a key with the"
                + " tools:confirm scope, not the agent's own).",
        "Approving executes the call once and prints its result; exit 0, or 2 when the upstream answered an error."})
final class ConfirmCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CALL_ID") String callId;
    @Option(names = "--deny", description = "deny instead of approving: the call never runs") boolean deny;
    @Option(names = "--reason", description = "why; stored with the decision") String reason = "";

    @Override
    public Integer call() throws Exception {
        try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
            ToolCall c = ToolServiceGrpc.newBlockingStub(conn.channel()).withCallCredentials(conn.credentials())
                    .withDeadlineAfter(5, TimeUnit.MINUTES)
                    .confirmToolCall(ConfirmToolCallRequest.newBuilder().setCallId(callId).setApprove(!deny)
                            .setReason(reason).build());
            if (!c.getResultJson().isEmpty()) {
                System.out.println(c.getResultJson());
            }
            System.err.println("call " + c.getCallId() + " (" + c.getTool() + "): "
                    + c.getConfirmation().getState().toLowerCase(java.util.Locale.ROOT) + " by "
                    + c.getConfirmation().getDecidedBy() + "; status " + c.getStatus().name().replace("CALL_STATUS_", "")
                    + (c.getError().isEmpty() ? "" : " — " + c.getError()));
            return c.getIsError() ? CallCommand.EXIT_UPSTREAM_ERROR : 0;
        }
    }
}
