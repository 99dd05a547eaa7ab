package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * One ExecuteTool request as the core sees it.
 *
 * @param callId         empty to let the gateway pick one
 * @param clientDeadline time left until the client's gRPC deadline, when it set one
 */
public record ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
        Optional<Duration> clientDeadline) {
    public ExecuteCommand {
        requireNonNull(tool, "tool");
        requireNonNull(argumentsJson, "argumentsJson");
        requireNonNull(callId, "callId");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(clientDeadline, "clientDeadline");
    }
}
