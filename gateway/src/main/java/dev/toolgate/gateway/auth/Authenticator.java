package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code authorization} header value into a {@link Principal}. Key lookups are cached
 * for {@code toolgate.auth.cache-ttl} (2s): a key revoked through another instance stops working
 * within that time, one revoked through this instance at once. Thread-safe.
 */
@Singleton
public class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final String BEARER = "Bearer ";

    private final ApiKeyRepository keys;
    private final Optional<byte[]> bootstrapHash;
    /** Key hash → the principal, or empty for an unknown or revoked key. */
    private final ExpiringCache<String, Optional<Principal>> byHash;

    public Authenticator(ApiKeyRepository keys, @Value("${toolgate.admin-key:}") String adminKey,
            @Value("${toolgate.auth.cache-ttl:2s}") Duration cacheTtl) {
        this.keys = requireNonNull(keys, "keys");
        this.byHash = new ExpiringCache<>(cacheTtl, 100_000, System::nanoTime);
        AuthConfig config = AuthConfig.of(adminKey);
        this.bootstrapHash = config.bootstrapAdminKey()
                .map(k -> ApiKeyFormat.hash(k).getBytes(StandardCharsets.US_ASCII));
        if (bootstrapHash.isEmpty()) {
            LOG.warn("No bootstrap admin key configured (TOOLGATE_ADMIN_KEY): only tenant admin keys can use AdminService");
        }
    }

    /**
     * @param authorization the metadata value, may be null when absent
     * @throws GatewayException UNAUTHENTICATED, with a message that never echoes the key
     */
    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw GatewayException.unauthenticated(
                    "missing credentials: send metadata 'authorization: Bearer <api key>' (keys start with tg_)");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw GatewayException.unauthenticated("authorization metadata must be 'Bearer <api key>'");
        }
        String key = authorization.substring(BEARER.length()).trim();
        if (key.isEmpty() || key.length() > ApiKeyFormat.MAX_LENGTH) {
            throw GatewayException.unauthenticated("invalid API key");
        }
        String hash = ApiKeyFormat.hash(key);
        if (bootstrapHash.isPresent()
                && MessageDigest.isEqual(bootstrapHash.get(), hash.getBytes(StandardCharsets.US_ASCII))) {
            return Principal.ofBootstrapAdmin();
        }
        return byHash.get(hash, h -> keys.findByKeyHash(h).filter(k -> !k.isRevoked())
                        .map(row -> new Principal(row.tenantId(), row.agentId(), row.id(), row.scopeSet(), row.labelMap(), false)))
                .orElseThrow(() -> GatewayException.unauthenticated("invalid or revoked API key"));
    }

    /** A key revoked through this instance stops working here at once (elsewhere within the cache ttl). */
    public void forgetKey(String keyId) {
        byHash.invalidateIf(p -> p.isPresent() && p.get().keyId().equals(keyId));
    }
}
