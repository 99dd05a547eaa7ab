package dev.toolgate.gateway.confirm;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A call held for a human's decision: what would run (tool version, full arguments), why it
 * waits (the policy rule, empty when the tool itself requires confirmation), until when, and —
 * once decided — by whom, when and why. {@code selfConfirm}: the policy rule lets the key that
 * made the call confirm it too. {@code skill}: the skill the call was held under, whose
 * credentials it is sent with once approved (empty: tenant-wide). {@code userId}: the end user the
 * call was made for (empty: none), whose connected account it runs with once approved — never the
 * approver's. Immutable.
 */
public record Confirmation(String id, String tenantId, String callId, String agentId, String keyId, String sessionId,
        String toolName, int toolVersion, String arguments, String summary, String ruleId, State state,
        Instant createdAt, Instant expiresAt, String decidedBy, String decidedKeyId, Optional<Instant> decidedAt,
        String reason, boolean selfConfirm, String skill, String userId) {

    /** Where a confirmation stands. Stored by name. */
    public enum State { PENDING, APPROVED, DENIED, EXPIRED }

    public Confirmation {
        requireNonNull(id, "id");
        requireNonNull(tenantId, "tenantId");
        requireNonNull(callId, "callId");
        requireNonNull(agentId, "agentId");
        requireNonNull(keyId, "keyId");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(toolName, "toolName");
        requireNonNull(arguments, "arguments");
        requireNonNull(summary, "summary");
        requireNonNull(ruleId, "ruleId");
        requireNonNull(state, "state");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
        requireNonNull(decidedBy, "decidedBy");
        requireNonNull(decidedKeyId, "decidedKeyId");
        requireNonNull(decidedAt, "decidedAt");
        requireNonNull(reason, "reason");
        requireNonNull(skill, "skill");
        requireNonNull(userId, "userId");
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
