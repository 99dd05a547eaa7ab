package dev.toolgate.gateway.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What to find in a tenant's audit trail; empty strings do not filter. Immutable.
 *
 * @param pageToken empty for the first page
 * @param skill     the skill the calls ran under
 * @param userId    the end user the calls were made for
 */
public record AuditQuery(String tenant, Optional<Instant> since, Optional<Instant> until, String agentId, String tool,
        String sessionId, String policyDecision, String status, String traceId, int pageSize, String pageToken,
        String skill, String userId) {
    public static final int DEFAULT_PAGE = 100;
    public static final int MAX_PAGE = 500;

    public AuditQuery {
        requireNonNull(tenant, "tenant");
        requireNonNull(since, "since");
        requireNonNull(until, "until");
        requireNonNull(agentId, "agentId");
        requireNonNull(tool, "tool");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(policyDecision, "policyDecision");
        requireNonNull(status, "status");
        requireNonNull(traceId, "traceId");
        requireNonNull(pageToken, "pageToken");
        requireNonNull(skill, "skill");
        requireNonNull(userId, "userId");
    }

    /** A query that does not filter by skill or end user. */
    public AuditQuery(String tenant, Optional<Instant> since, Optional<Instant> until, String agentId, String tool,
            String sessionId, String policyDecision, String status, String traceId, int pageSize, String pageToken) {
        this(tenant, since, until, agentId, tool, sessionId, policyDecision, status, traceId, pageSize, pageToken, "",
                "");
    }
}
