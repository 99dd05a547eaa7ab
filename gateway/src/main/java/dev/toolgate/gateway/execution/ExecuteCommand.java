package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.identity.UserProof;
import java.time.Duration;
import java.util.Optional;

/**
 * One ExecuteTool request as the core sees it.
 *
 * @param callId         empty to let the gateway pick one
 * @param clientDeadline time left until the client's gRPC deadline, when it set one
 * @param skill          the skill of the key the call runs under; empty to let the gateway pick
 *                       (see {@link dev.toolgate.gateway.skills.SkillChoice})
 * @param user           what the call carries to name the end user it is made for
 * @param compensates    the call id of the session's call this call compensates (CompensateSession, policy
 *                       {@code call.compensation}); empty for an ordinary call
 */
public record ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
        Optional<Duration> clientDeadline, String skill, UserProof user, String compensates) {
    public ExecuteCommand {
        requireNonNull(compensates, "compensates");
        requireNonNull(tool, "tool");
        requireNonNull(argumentsJson, "argumentsJson");
        requireNonNull(callId, "callId");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(clientDeadline, "clientDeadline");
        requireNonNull(skill, "skill");
        requireNonNull(user, "user");
    }

    /** An ordinary call (it compensates nothing). */
    public ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
            Optional<Duration> clientDeadline, String skill, UserProof user) {
        this(tool, argumentsJson, callId, sessionId, clientDeadline, skill, user, "");
    }

    /** A call that names no skill and no end user. */
    public ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
            Optional<Duration> clientDeadline) {
        this(tool, argumentsJson, callId, sessionId, clientDeadline, "", UserProof.NONE);
    }

    /** A call that names a skill and no end user. */
    public ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
            Optional<Duration> clientDeadline, String skill) {
        this(tool, argumentsJson, callId, sessionId, clientDeadline, skill, UserProof.NONE);
    }

    /** A call that names an end user and no skill. */
    public ExecuteCommand(String tool, String argumentsJson, String callId, String sessionId,
            Optional<Duration> clientDeadline, UserProof user) {
        this(tool, argumentsJson, callId, sessionId, clientDeadline, "", user);
    }
}
