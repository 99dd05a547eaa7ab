package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.EndUser;
import dev.toolgate.gateway.session.SessionStore;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.policy.Decision;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicyRequest;
import dev.toolgate.policy.ToolTraits;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The policy stage of admission: asks the tenant's policy about one call (with the session's
 * history, read only if a rule needs it) and turns a deny or a used-up rate limit into a
 * refusal. Thread-safe.
 */
@Singleton
class PolicyCheck {
    private final PolicyEngine policy;
    private final SessionStore sessions;

    PolicyCheck(PolicyEngine policy, SessionStore sessions) {
        this.policy = requireNonNull(policy, "policy");
        this.sessions = requireNonNull(sessions, "sessions");
    }

    /** The policy's decision about this call. */
    Decision decide(Principal principal, EndUser user, ToolDefinition tool, JsonNode arguments,
            ExecuteCommand command, String skill, Instant at) {
        ToolAnnotations a = tool.annotations();
        String session = RequestShape.session(command);
        return policy.decide(PolicyRequest.builder()
                .tenant(principal.tenantId()).agent(principal.agentId()).scopes(principal.scopes())
                .labels(principal.labels())
                .skill(skill)
                .tool(tool.integration().name(), tool.name())
                .traits(new ToolTraits(a.readOnly(), a.destructive(), a.idempotent(), a.openWorld(),
                        a.requiresConfirmation()))
                .arguments(arguments)
                .session(session)
                .history(() -> sessions.history(principal.tenantId(), session, command.callId())) // only if read
                .user(user.id(), user.claims())
                .compensates(command.compensates())
                .time(at)
                .build());
    }

    /** The decision as the call's row keeps it. */
    static CallRecord.PolicyMark mark(Decision d) {
        return new CallRecord.PolicyMark(d.verdict().label(), d.ruleId(), d.version());
    }

    /**
     * Refuses a call the policy denies or rate-limits; a confirm decision passes (the call is held later).
     *
     * @param call the call as known so far (with the decision's mark)
     * @throws CallRefused {@link Refusal#POLICY_DENIED} or {@link Refusal#RATE_LIMITED}
     */
    static void enforce(Decision decision, ToolDefinition tool, CallRecord call) {
        Map<String, String> meta = Map.of("call_id", call.callId(), "tool", tool.qualifiedName(),
                "rule_id", decision.ruleId(), "policy_version", decision.version());
        switch (decision.verdict()) {
            case DENY -> throw CallRefused.of(Refusal.POLICY_DENIED, call,
                    GatewayException.permissionDenied("POLICY_DENIED", decision.reason(), meta));
            case RATE_LIMITED -> throw CallRefused.of(Refusal.RATE_LIMITED, call,
                    GatewayException.resourceExhausted("RATE_LIMITED", decision.reason(), meta,
                            decision.retryAfter().orElse(Duration.ofSeconds(1))));
            case CONFIRM, ALLOW -> {
                // allowed, or held for a human after the request is prepared
            }
        }
    }
}
