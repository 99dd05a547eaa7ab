package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.core.ToolgateProperties;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code authorization} header value into a {@link Principal}. The bootstrap admin key is
 * compared in memory; any other key must have the {@link ApiKeyFormat key format} (a wrong
 * checksum is refused without a lookup; keys of the old format are looked up while
 * {@code toolgate.auth.legacy-keys} is true) and is then found through {@link KeyLookup}'s caches:
 * a key revoked through another instance stops working as soon as its invalidation arrives
 * ({@link ClusterBus}, on PostgreSQL; at the latest within {@code toolgate.auth.cache-ttl}, 2s), one
 * revoked through this instance at once. Callers that know the peer address use
 * {@link #authenticate(String, InetAddress)}, which limits failed attempts per peer
 * ({@link FailedAuthLimiter}). Thread-safe.
 */
@Singleton
public class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final String BEARER = "Bearer ";

    private final KeyLookup lookup;
    private final FailedAuthLimiter limiter;
    private final ApplicationEventPublisher<KeyRevoked> revocations;
    private final ClusterBus cluster;
    private final Optional<byte[]> bootstrapHash;
    private final boolean legacyKeys;

    public Authenticator(KeyLookup lookup, FailedAuthLimiter limiter, ApplicationEventPublisher<KeyRevoked> revocations,
            ClusterBus cluster, ToolgateProperties toolgate, AuthProperties config) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.lookup = requireNonNull(lookup, "lookup");
        this.limiter = requireNonNull(limiter, "limiter");
        this.revocations = requireNonNull(revocations, "revocations");
        this.legacyKeys = config.legacyKeys();
        this.bootstrapHash = AuthConfig.of(toolgate.adminKey()).bootstrapAdminKey()
                .map(k -> ApiKeyFormat.hash(k).getBytes(StandardCharsets.US_ASCII));
        if (bootstrapHash.isEmpty()) {
            LOG.warn("No bootstrap admin key configured (TOOLGATE_ADMIN_KEY): only tenant admin keys can use AdminService");
        }
    }

    /**
     * Authenticates a request from {@code peer}: refused with {@code AUTH_RATE_LIMITED} while the
     * peer has used up its failed attempts, and every {@code UNAUTHENTICATED} outcome counts as one.
     *
     * @param peer the client's address; null when unknown (not limited)
     * @throws GatewayException UNAUTHENTICATED or RESOURCE_EXHAUSTED, never echoing the key
     */
    public Principal authenticate(@Nullable String authorization, @Nullable InetAddress peer) {
        limiter.checkAllowed(peer);
        try {
            return authenticate(authorization);
        } catch (GatewayException e) {
            if (e.code() == ErrorCode.UNAUTHENTICATED) {
                limiter.recordFailure(peer);
            }
            throw e;
        }
    }

    /**
     * Authenticates without a per-peer limit (for in-process callers).
     *
     * @param authorization the metadata value, may be null when absent
     * @throws GatewayException UNAUTHENTICATED, with a message that never echoes the key
     */
    public Principal authenticate(@Nullable String authorization) {
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
        switch (ApiKeyFormat.shape(key)) {
            case MALFORMED -> throw GatewayException.unauthenticated("malformed API key: Toolgate keys are tg_ and "
                    + (ApiKeyFormat.LENGTH - ApiKeyFormat.PREFIX.length())
                    + " letters and digits with a checksum; check that the whole key was copied");
            case LEGACY -> {
                if (!legacyKeys) {
                    throw GatewayException.unauthenticated("API keys of the old format are no longer accepted"
                            + " (toolgate.auth.legacy-keys is false); create a new key");
                }
            }
            case CHECKSUMMED -> { }
        }
        return lookup.find(hash).orElseThrow(() -> GatewayException.unauthenticated("invalid or revoked API key"));
    }

    /**
     * Whether {@code authorization} carries a key this instance verified lately and still holds in
     * its cache: a hint that never blocks, never counts as an attempt and proves nothing (the call
     * is still authenticated with {@link #authenticate}). The gRPC server reads such a call's request
     * before its interceptors run; anyone else's request is read only once they passed.
     */
    public boolean isKnownKey(@Nullable String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String key = authorization.substring(BEARER.length()).trim();
        return !key.isEmpty() && key.length() <= ApiKeyFormat.MAX_LENGTH && lookup.isCached(ApiKeyFormat.hash(key));
    }

    /** A key revoked through this instance stops working here at once, on the other instances when they hear of it. */
    public void forgetKey(String keyId) {
        dropKey(keyId);
        cluster.publish(Invalidation.key(keyId));
    }

    /** Drops the key here only (its revocation was announced by another instance). */
    void dropKey(String keyId) {
        lookup.forget(keyId);
        revocations.publishEvent(new KeyRevoked(keyId));
    }
}
