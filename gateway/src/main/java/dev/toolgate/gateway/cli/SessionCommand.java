package dev.toolgate.gateway.cli;

import dev.toolgate.proto.v1.CompensateSessionRequest;
import dev.toolgate.proto.v1.CompensateSessionResponse;
import dev.toolgate.proto.v1.CompensationState;
import dev.toolgate.proto.v1.CompensationStep;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code toolgate session ...}: an agent's sessions. */
@Command(name = "session", description = "An agent's sessions (key from TOOLGATE_API_KEY).",
        subcommands = {SessionCommand.Compensate.class})
final class SessionCommand {
    /** Exit code when a compensation step failed or waits for a human: send the command again to resume. */
    static final int EXIT_INCOMPLETE = 3;

    private SessionCommand() {
    }

    @Command(name = "compensate", description = {
            "Undo the key's succeeded side-effecting calls of a session, latest first, through each tool's declared"
                    + " compensating tool; each compensation runs once, also when sent again.",
            "Prints one line per step; exit 0 when every step is compensated, 3 when a step failed or is held for a"
                    + " human (send the command again to resume)."})
    static final class Compensate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SESSION_ID") String sessionId;
        @Option(names = "--reason", description = "why the session is rolled back; recorded with the command")
        String reason = "";

        @Override
        public Integer call() throws Exception {
            try (GatewayConnection conn = GatewayConnection.open("TOOLGATE_API_KEY")) {
                CompensateSessionResponse r = ToolServiceGrpc.newBlockingStub(conn.channel())
                        .withCallCredentials(conn.credentials()).withDeadlineAfter(5, TimeUnit.MINUTES)
                        .compensateSession(CompensateSessionRequest.newBuilder().setSessionId(sessionId)
                                .setReason(reason).build());
                for (CompensationStep s : r.getStepsList()) {
                    System.out.println(s.getStatus().name().replace("COMPENSATION_STEP_STATUS_", "")
                            .toLowerCase(Locale.ROOT) + " " + s.getCallId() + " " + s.getTool()
                            + (s.getCompensatingTool().isEmpty() ? "" : " -> " + s.getCompensatingTool())
                            + (s.getCompensationCallId().isEmpty() ? "" : " (" + s.getCompensationCallId()
                                    + (s.getReplayed() ? ", earlier" : "") + ")")
                            + (s.getError().isEmpty() ? "" : ": " + s.getError()));
                }
                boolean done = r.getState() == CompensationState.COMPENSATION_STATE_COMPLETED;
                System.err.println("session " + r.getSessionId() + ": " + (done ? "compensated"
                        : "not fully compensated; send the command again to resume"));
                return done ? 0 : EXIT_INCOMPLETE;
            }
        }
    }
}
