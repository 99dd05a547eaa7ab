package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.KeyedLocks;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token exchange (RFC 8693) for integrations with auth {@code token_exchange}: the end user's token
 * (the JWT that proved the user on the call) is exchanged at the tenant's authorization server for
 * an access token of the integration's audience, cached in memory per (tenant, user, audience) until
 * shortly before it expires — never stored, logged or put in an error. A call that names its user
 * only by id (a {@code users:assert} key) has no token to exchange and is refused; parallel calls of
 * one user exchange once. Thread-safe.
 */
@Singleton
public class TokenExchanges {
    private static final Logger LOG = LoggerFactory.getLogger(TokenExchanges.class);
    /** The grant type of RFC 8693. */
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    /** The reason of a call that must carry the user's token. */
    public static final String USER_TOKEN_REQUIRED = "USER_TOKEN_REQUIRED";
    /** Most cached tokens before expired ones are swept. */
    private static final int SWEEP_AT = 10_000;

    private final ConnectionStore store;
    private final SecretStore secrets;
    private final TokenEndpoint endpoint;
    private final ConnectionsProperties properties;
    private final Clock clock;
    private final KeyedLocks locks = new KeyedLocks();
    private final ConcurrentHashMap<String, Exchanged> cache = new ConcurrentHashMap<>();

    TokenExchanges(ConnectionStore store, SecretStore secrets, TokenEndpoint endpoint,
            ConnectionsProperties properties, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.secrets = requireNonNull(secrets, "secrets");
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.properties = requireNonNull(properties, "properties");
        this.clock = requireNonNull(clock, "clock");
    }

    /** An exchanged token and its expiry; its text never in {@link #toString()}. */
    private record Exchanged(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Exchanged[expiresAt=" + expiresAt + "]";
        }
    }

    /** Stores how calls of {@code client.integration()} exchange their user's token. */
    public void configure(ExchangeClient client) {
        store.putExchangeClient(client);
    }

    /**
     * Makes sure a token of the integration's audience is cached for the call's user: exchanges
     * {@code subjectToken} unless one is cached that stays valid beyond {@code refresh-ahead}.
     *
     * @param subjectToken the user's token the call carries; empty when the user was named by id
     * @throws GatewayException FAILED_PRECONDITION {@code USER_REQUIRED}, {@code USER_TOKEN_REQUIRED},
     *         {@code TOKEN_EXCHANGE_NOT_CONFIGURED}, {@code TOKEN_EXCHANGE_REFUSED}, {@code SECRET_NOT_FOUND};
     *         UNAVAILABLE when the authorization server cannot be reached
     */
    public void prepare(String tenant, String integration, String userId, Optional<String> subjectToken,
            Duration timeout) {
        requireUser(integration, userId);
        ExchangeClient client = client(tenant, integration);
        if (subjectToken.isEmpty()) {
            throw tokenRequired(integration, "names its user by id only; token exchange needs the user's own token"
                    + " (ExecuteToolRequest.user.token)");
        }
        String key = key(tenant, userId, client.audience());
        if (fresh(cache.get(key))) {
            return;
        }
        locks.call(key, () -> {
            if (!fresh(cache.get(key))) {
                cache.put(key, exchange(client, subjectToken.get(), timeout));
                sweep();
            }
            return null;
        });
    }

    /**
     * The cached token of the integration's audience for {@code userId}, as {@link #prepare} left it
     * (an approved held call finds the one its admission exchanged while it is valid).
     *
     * @throws GatewayException FAILED_PRECONDITION {@code USER_REQUIRED}, {@code USER_TOKEN_REQUIRED} when none
     *         is cached or it expired, {@code TOKEN_EXCHANGE_NOT_CONFIGURED}
     */
    public String token(String tenant, String integration, String userId) {
        requireUser(integration, userId);
        ExchangeClient client = client(tenant, integration);
        Exchanged e = cache.get(key(tenant, userId, client.audience()));
        if (e == null || !clock.instant().isBefore(e.expiresAt())) {
            throw tokenRequired(integration, "has no valid exchanged token for its user (it expired); the agent must"
                    + " call again with the user's token");
        }
        return e.token();
    }

    /** Drops the cached token of the user when it is {@code rejected} (the upstream answered 401). */
    public void forget(String tenant, String integration, String userId, String rejected) {
        store.exchangeClient(tenant, integration).ifPresent(client -> cache.computeIfPresent(
                key(tenant, userId, client.audience()), (k, e) -> e.token().equals(rejected) ? null : e));
    }

    private Exchanged exchange(ExchangeClient client, String subjectToken, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", client.subjectTokenType());
        form.put("requested_token_type", "urn:ietf:params:oauth:token-type:access_token");
        form.put("audience", client.audience());
        if (!client.scopes().isEmpty()) {
            form.put("scope", client.scopes());
        }
        TokenEndpoint.Answer answer;
        try {
            answer = endpoint.post(client.tokenUrl(), client.clientId(), secret(client), form, timeout);
        } catch (IOException e) {
            throw GatewayException.unavailable("AUTHORIZATION_SERVER_UNAVAILABLE", "the authorization server that"
                    + " exchanges tokens for integration '" + client.integration() + "' cannot be reached ("
                    + e.getClass().getSimpleName() + "); retry later", Map.of("integration", client.integration()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.unavailable("AUTHORIZATION_SERVER_UNAVAILABLE", "interrupted", Map.of());
        }
        if (!answer.ok() || !answer.body().path("token_type").asText("Bearer").equalsIgnoreCase("Bearer")) {
            LOG.info("token exchange for tenant {} integration {} refused ({})", client.tenant(), client.integration(),
                    answer.error());
            throw GatewayException.failedPrecondition("TOKEN_EXCHANGE_REFUSED", "the authorization server refused to"
                    + " exchange the user's token for integration '" + client.integration() + "' ("
                    + answer.error() + "); the user may need to sign in again", Map.of("integration",
                    client.integration()));
        }
        long seconds = answer.body().path("expires_in").asLong(0);
        Instant now = clock.instant();
        // without expires_in the token is used for refresh-ahead only: the next calls exchange again
        Instant expiresAt = seconds > 0 ? now.plusSeconds(seconds) : now.plus(properties.refreshAhead());
        return new Exchanged(answer.body().path("access_token").asText(), expiresAt);
    }

    private String secret(ExchangeClient client) {
        try {
            return secrets.reveal(client.tenant(), client.clientSecretName()).orElseThrow(() ->
                    GatewayException.failedPrecondition("SECRET_NOT_FOUND", "the client secret '"
                            + client.clientSecretName() + "' of integration '" + client.integration()
                            + "' is missing; an admin must store it with PutSecret"));
        } catch (SecretUnreadableException e) {
            throw GatewayException.failedPrecondition("SECRET_UNREADABLE", e.getMessage());
        }
    }

    private boolean fresh(Exchanged e) {
        return e != null && clock.instant().plus(properties.refreshAhead()).isBefore(e.expiresAt());
    }

    private void sweep() {
        if (cache.size() > SWEEP_AT) {
            Instant now = clock.instant();
            cache.values().removeIf(e -> !now.isBefore(e.expiresAt()));
        }
    }

    private ExchangeClient client(String tenant, String integration) {
        return store.exchangeClient(tenant, integration).orElseThrow(() -> GatewayException.failedPrecondition(
                "TOKEN_EXCHANGE_NOT_CONFIGURED", "integration '" + integration + "' exchanges each user's token,"
                        + " but no token exchange client is configured for it; an admin sets one"
                        + " (SetTokenExchangeClient)"));
    }

    private static void requireUser(String integration, String userId) {
        if (userId.isEmpty()) {
            throw GatewayException.failedPrecondition("USER_REQUIRED", "integration '" + integration + "' acts as"
                    + " each end user: the call must name its user with the user's token (ExecuteToolRequest.user)",
                    Map.of("integration", integration));
        }
    }

    private static GatewayException tokenRequired(String integration, String why) {
        return GatewayException.failedPrecondition(USER_TOKEN_REQUIRED, "integration '" + integration
                + "' acts with a token exchanged for the end user's own token, and this call " + why,
                Map.of("integration", integration));
    }

    private static String key(String tenant, String userId, String audience) {
        return tenant + "\0" + userId + "\0" + audience;
    }
}
