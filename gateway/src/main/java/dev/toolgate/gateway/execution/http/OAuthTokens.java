package dev.toolgate.gateway.execution.http;

import dev.toolgate.gateway.egress.EgressGuard;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.catalog.IntegrationChanged;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OAuth 2 client-credentials access tokens (RFC 6749 section 4.4), fetched from the scheme's
 * token URL with the client id and secret in HTTP Basic auth, cached per tenant, integration,
 * scheme and client, and fetched again {@code toolgate.oauth.refresh-before} before they expire.
 * A cached token is dropped when the upstream answers 401 with it. Thread-safe; concurrent
 * callers needing the same token wait for one fetch.
 */
@Singleton
class OAuthTokens {
    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final Duration MAX_FETCH_TIME = Duration.ofSeconds(10);
    private static final int MAX_TOKEN_RESPONSE = 64 * 1024;

    /**
     * Identifies one client of one scheme, per skill (empty: tenant-wide): skills with their own
     * clients keep their own tokens side by side. The client secret enters only as a hash.
     */
    record Key(String tenant, String integration, String scheme, String tokenUrl, String scopes, String clientHash,
            String skill) {
        static Key of(String tenant, String integration, SecurityScheme scheme, String clientIdAndSecret,
                String skill) {
            return new Key(tenant, integration, scheme.name(), scheme.tokenUrl(), String.join(" ", scheme.scopes()),
                    Digests.sha256Hex(clientIdAndSecret), skill);
        }

        /** The same scheme and scopes of the same integration and skill, perhaps with another client or token URL. */
        boolean sameScheme(Key other) {
            return tenant.equals(other.tenant) && integration.equals(other.integration) && scheme.equals(other.scheme)
                    && scopes.equals(other.scopes) && skill.equals(other.skill);
        }

        @Override
        public String toString() { // the lock key; the client enters only as its hash
            return String.join("\u0000", tenant, integration, scheme, tokenUrl, scopes, clientHash, skill);
        }
    }

    private record Token(String value, Instant refreshAt) {
    }

    private final Map<Key, Token> cache = new ConcurrentHashMap<>();
    private final dev.toolgate.gateway.core.KeyedLocks locks = new dev.toolgate.gateway.core.KeyedLocks();
    private final EgressGuard egress;
    private final Clock clock;
    private final Duration refreshBefore;
    private final HttpClient client;

    OAuthTokens(EgressGuard egress, Clock clock, TlsClients clients,
            OAuthProperties config) {
        this.egress = requireNonNull(egress, "egress");
        this.clock = requireNonNull(clock, "clock");
        this.refreshBefore = config.refreshBefore();
        this.client = clients.shared(); // same trusted CAs as upstreams
    }

    /** A valid access token for the client, from the cache or the token endpoint. */
    String token(Key key, String clientIdAndSecret, Duration timeout) {
        Token cached = cache.get(key);
        if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
            return cached.value();
        }
        // a lock, not a monitor: callers waiting for the fetch are virtual threads, which must not pin their carrier
        return locks.call(key.toString(), () -> {
            Token again = cache.get(key);
            if (again != null && clock.instant().isBefore(again.refreshAt())) {
                return again.value();
            }
            Token fresh = fetch(key, clientIdAndSecret, timeout);
            // a rotated client secret, token URL or scope set makes a new key: the old one's token goes
            cache.keySet().removeIf(k -> k.sameScheme(key) && !k.equals(key));
            cache.put(key, fresh);
            return fresh.value();
        });
    }

    /** Cached tokens (one per integration scheme and client). */
    int size() {
        return cache.size();
    }

    /** Forgets the token the upstream refused, unless another caller already replaced it. */
    void invalidate(Key key, String refusedToken) {
        cache.computeIfPresent(key, (k, t) -> t.value().equals(refusedToken) ? null : t);
    }

    /** The integration was replaced: its tokens are forgotten (its schemes or clients may have changed). */
    @EventListener
    void onIntegrationChanged(IntegrationChanged changed) {
        if (changed.change() != IntegrationChanged.Change.REPLACED) {
            return;
        }
        cache.keySet().removeIf(k -> k.tenant().equals(changed.tenantId()) && k.integration().equals(changed.name()));
    }

    private Token fetch(Key key, String clientIdAndSecret, Duration timeout) {
        int colon = clientIdAndSecret.indexOf(':');
        if (colon <= 0) {
            throw GatewayException.failedPrecondition("SECRET_UNUSABLE", "the secret of OAuth scheme '" + key.scheme()
                    + "' must be client_id:client_secret");
        }
        URI uri;
        try {
            uri = new URI(key.tokenUrl());
        } catch (java.net.URISyntaxException e) {
            throw GatewayException.failedPrecondition("TOKEN_URL_UNUSABLE", "the token URL of OAuth scheme '"
                    + key.scheme() + "' is not a valid URL; fix the document and import it again");
        }
        if (uri.getHost() == null) {
            throw GatewayException.failedPrecondition("TOKEN_URL_UNUSABLE", "the token URL of OAuth scheme '"
                    + key.scheme() + "' has no host; fix the document and import it again");
        }
        egress.check(key.tenant(), uri, "the token URL of OAuth scheme '" + key.scheme() + "'");
        String clientId = clientIdAndSecret.substring(0, colon);
        String clientSecret = clientIdAndSecret.substring(colon + 1);
        // RFC 6749 section 2.3.1: id and secret are form-encoded before Basic encoding
        String basic = Base64.getEncoder().encodeToString((PercentEncoding.encode(clientId) + ":"
                + PercentEncoding.encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials"
                + (key.scopes().isEmpty() ? "" : "&scope=" + PercentEncoding.encode(key.scopes()));
        Duration limit = timeout.compareTo(MAX_FETCH_TIME) < 0 ? timeout : MAX_FETCH_TIME;
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(limit)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        Instant sentAt = clock.instant();
        HttpResponse<CappedBodyHandler.Body> response;
        try {
            response = client.send(request, new CappedBodyHandler(MAX_TOKEN_RESPONSE));
        } catch (IOException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "could not get an OAuth token for integration '"
                    + key.integration() + "' from " + uri.getHost() + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "interrupted while getting an OAuth token");
        }
        JsonNode body = parse(response.body().bytes());
        if (response.statusCode() / 100 != 2 || !body.path("access_token").isTextual()) {
            // a token endpoint may echo what it was sent: never the client secret in our error
            String error = dev.toolgate.gateway.secrets.EchoMask.of(java.util.List.of(clientIdAndSecret))
                    .maskText(body.path("error").asText(""));
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the token endpoint of integration '"
                    + key.integration() + "' refused the client credentials of scheme '" + key.scheme() + "': HTTP "
                    + response.statusCode() + (error.isEmpty() ? "" : " (" + abbreviate(error) + ")")
                    + "; check secret of that scheme");
        }
        long expiresIn = body.path("expires_in").asLong(DEFAULT_LIFETIME.toSeconds());
        Duration lifetime = Duration.ofSeconds(Math.max(expiresIn, 0));
        Duration early = refreshBefore.compareTo(lifetime.dividedBy(2)) < 0 ? refreshBefore : lifetime.dividedBy(2);
        return new Token(body.path("access_token").textValue(), sentAt.plus(lifetime).minus(early));
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JsonSupport.untrusted(16, MAX_TOKEN_RESPONSE).readTree(bytes);
        } catch (IOException e) {
            return JsonSupport.mapper().createObjectNode();
        }
    }

    private static String abbreviate(String text) {
        String clean = text.replaceAll("[^A-Za-z0-9_ .:-]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    

}
