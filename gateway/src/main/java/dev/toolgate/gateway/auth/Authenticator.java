package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an {@code authorization} header value into a {@link Principal}. Thread-safe. */
@Singleton
public class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final String BEARER = "Bearer ";

    private final ApiKeyRepository keys;
    private final Optional<byte[]> bootstrapHash;

    public Authenticator(ApiKeyRepository keys, @Value("${toolgate.admin-key:}") String adminKey) {
        this.keys = requireNonNull(keys, "keys");
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
        ApiKeyEntity row = keys.findByKeyHash(hash)
                .filter(k -> !k.isRevoked())
                .orElseThrow(() -> GatewayException.unauthenticated("invalid or revoked API key"));
        return new Principal(row.tenantId(), row.agentId(), row.id(), row.scopeSet(), false);
    }
}
