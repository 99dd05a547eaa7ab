package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One signed-in browser: the opaque id its cookie holds, the token its forms must send back
 * (CSRF), how it signed in and what it resolves to on each request. The API key itself is never
 * kept: an API-key session keeps the key's hash, which the gateway's key cache resolves to the
 * key's current principal (so a revoked key ends its sessions within the cache ttl). Immutable.
 *
 * @param method     how the person signed in ({@code api-key}; {@code oidc} later)
 * @param credential what {@link ConsoleSessions} resolves the principal from: for {@code api-key},
 *                   the key's hash
 */
public record ConsoleSession(String id, String csrfToken, String method, String credential, String tenantId,
        String agentId, Instant createdAt, Instant expiresAt) {
    public static final String API_KEY = "api-key";

    public ConsoleSession {
        requireNonNull(id, "id");
        requireNonNull(csrfToken, "csrfToken");
        requireNonNull(method, "method");
        requireNonNull(credential, "credential");
        requireNonNull(tenantId, "tenantId");
        requireNonNull(agentId, "agentId");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** True once {@code now} is at or after the expiry. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
