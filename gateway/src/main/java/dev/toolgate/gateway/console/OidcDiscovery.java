package dev.toolgate.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * An OpenID provider's discovery document ({@code <issuer>/.well-known/openid-configuration}):
 * where to send the person, where to redeem the code, where the signing keys are. Fetched when a
 * sign-in first needs it and cached for {@link #TTL}; a document naming another issuer, or
 * endpoints that are not absolute http(s) URLs, is refused. Thread-safe.
 */
@Singleton
class OidcDiscovery {
    static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_BYTES = 256 * 1024;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT).build();
    private final ExpiringCache<String, Endpoints> cache = new ExpiringCache<>(TTL, 1_000, System::nanoTime);

    /** The provider's endpoints. */
    record Endpoints(URI authorization, URI token, URI jwks) {
    }

    /**
     * @throws GatewayException UNAVAILABLE {@code IDENTITY_PROVIDER_UNAVAILABLE} when the document cannot be
     *         fetched or is not a valid discovery document of this issuer
     */
    Endpoints of(String issuer) {
        return cache.get(issuer, this::fetch);
    }

    private Endpoints fetch(String issuer) {
        URI url = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        JsonNode doc;
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.body().length > MAX_BYTES) {
                throw unavailable(issuer, "its discovery document answered HTTP " + r.statusCode());
            }
            doc = JsonSupport.mapper().readTree(r.body());
        } catch (IOException e) {
            throw unavailable(issuer, "its discovery document cannot be fetched or parsed (" + e.getClass()
                    .getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(issuer, "interrupted");
        }
        if (doc == null || !issuer.equals(doc.path("issuer").asText())) {
            throw unavailable(issuer, "its discovery document names another issuer");
        }
        return new Endpoints(endpoint(issuer, doc, "authorization_endpoint"), endpoint(issuer, doc, "token_endpoint"),
                endpoint(issuer, doc, "jwks_uri"));
    }

    private static URI endpoint(String issuer, JsonNode doc, String field) {
        try {
            URI u = URI.create(doc.path(field).asText(""));
            if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw unavailable(issuer, "its discovery document has no usable " + field);
    }

    private static GatewayException unavailable(String issuer, String why) {
        return GatewayException.unavailable("IDENTITY_PROVIDER_UNAVAILABLE", "the OpenID provider " + issuer
                + " cannot be used for sign-in: " + why, Map.of());
    }
}
