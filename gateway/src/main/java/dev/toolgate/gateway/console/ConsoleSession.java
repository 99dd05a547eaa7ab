package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One signed-in browser: the opaque id its cookie holds, the token its forms must send back
 * (CSRF), how it signed in and what it resolves to on each request. The API key itself is never
 * kept: an API-key session keeps the key's hash, which the gateway's key cache resolves to the
 * key's current principal (so a revoked key ends its sessions within the cache ttl). Immutable.
 *
 * @param method     how the person signed in: {@link #API_KEY} or {@link #OIDC}
 * @param credential what {@link ConsoleSessions} resolves the principal from: for {@code api-key},
 *                   the key's hash; for {@code oidc}, the ID token's subject
 * @param groups     for {@code oidc}, the person's groups as its ID token listed them (mapped to
 *                   roles on each request, so a changed mapping applies at once); empty otherwise
 */
public record ConsoleSession(String id, String csrfToken, String method, String credential, String tenantId,
        String agentId, Instant createdAt, Instant expiresAt, java.util.List<String> groups) {
    public static final String API_KEY = "api-key";
    public static final String OIDC = "oidc";

    public ConsoleSession {
        requireNonNull(id, "id");
        requireNonNull(csrfToken, "csrfToken");
        requireNonNull(method, "method");
        requireNonNull(credential, "credential");
        requireNonNull(tenantId, "tenantId");
        requireNonNull(agentId, "agentId");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(expiresAt, "expiresAt");
        groups = java.util.List.copyOf(requireNonNull(groups, "groups"));
    }

    /** The end user this session runs tools for: the person's subject when signed in with OpenID, else none. */
    public String userId() {
        return OIDC.equals(method) ? credential : "";
    }

    /** True once {@code now} is at or after the expiry. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
