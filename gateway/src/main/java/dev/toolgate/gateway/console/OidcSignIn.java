package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.ApiKeyFormat;
import dev.toolgate.gateway.connections.ConnectionsProperties;
import dev.toolgate.gateway.connections.TokenEndpoint;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.EndUser;
import dev.toolgate.gateway.identity.IdentityProvider;
import dev.toolgate.gateway.identity.UserTokenVerifier;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Console sign-in with the tenant's OpenID Connect provider: the authorization code flow with PKCE
 * (S256), {@code state} and {@code nonce}. {@link #start} remembers, in this instance's memory and
 * for {@link #LOGIN_TTL}, the state (hashed) with the tenant, the PKCE verifier, the nonce and a
 * hash of a random value the browser keeps in a cookie; {@link #complete} uses the state up (once,
 * whatever the outcome), requires that cookie (a sign-in started in another browser — login CSRF —
 * is refused), redeems the code with the verifier and the tenant's client secret, and checks the ID
 * token like an end user's token (signature with the provider's published keys, issuer, audience =
 * the client id, expiry) plus its nonce and authorized party. Nothing of a token is kept, logged or
 * shown. Thread-safe.
 */
@Singleton
public class OidcSignIn {
    /** How long a started sign-in may take. */
    static final Duration LOGIN_TTL = Duration.ofMinutes(10);
    static final int MAX_PENDING = 10_000;
    static final String CALLBACK_PATH = "/console/oidc/callback";
    /** The reason of every refused sign-in. */
    static final String REFUSED = "CONSOLE_SIGN_IN_REFUSED";

    private final ConsoleSignIns signIns;
    private final OidcDiscovery discovery;
    private final TokenEndpoint tokens;
    private final UserTokenVerifier verifier;
    private final SecretStore secrets;
    private final ConnectionsProperties connections;
    private final Provider<EmbeddedServer> server;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    OidcSignIn(ConsoleSignIns signIns, OidcDiscovery discovery, TokenEndpoint tokens, UserTokenVerifier verifier,
            SecretStore secrets, ConnectionsProperties connections, Provider<EmbeddedServer> server, Clock clock) {
        this.signIns = requireNonNull(signIns, "signIns");
        this.discovery = requireNonNull(discovery, "discovery");
        this.tokens = requireNonNull(tokens, "tokens");
        this.verifier = requireNonNull(verifier, "verifier");
        this.secrets = requireNonNull(secrets, "secrets");
        this.connections = requireNonNull(connections, "connections");
        this.server = requireNonNull(server, "server");
        this.clock = requireNonNull(clock, "clock");
    }

    private record Pending(String tenant, String verifier, String nonce, String bindingHash, Instant expiresAt,
            String connectLink) {
    }

    /** Where to send the browser, and the value its login cookie must hold when it comes back. */
    public record Start(URI authorization, String binding) {
    }

    /**
     * The person the provider signed in: the ID token's subject, a display name, its groups, and the state
     * of the connect link whose opener the sign-in proves (empty: a console sign-in).
     */
    public record Person(String tenant, String subject, String name, List<String> groups, String connectLink) {
    }

    /**
     * Begins a sign-in to {@code tenant}'s console.
     *
     * @throws GatewayException NOT_FOUND when the tenant has no console sign-in; UNAVAILABLE when the
     *         provider's discovery document cannot be used
     */
    public Start start(String tenant) {
        return start(tenant, "");
    }

    /**
     * Begins a sign-in to {@code tenant} that proves who opens the connect link {@code connectLink} (empty: a
     * sign-in to the console). Only {@code openid} is asked for: the subject is all it needs.
     *
     * @throws GatewayException as {@link #start(String)}
     */
    public Start start(String tenant, String connectLink) {
        ConsoleSignIn config = config(tenant);
        OidcDiscovery.Endpoints endpoints = discovery.of(config.issuerText());
        String state = random();
        String codeVerifier = random() + random();
        String nonce = random();
        String binding = random();
        Instant now = clock.instant();
        if (pending.size() >= MAX_PENDING) {
            pending.values().removeIf(p -> !now.isBefore(p.expiresAt()));
            if (pending.size() >= MAX_PENDING) {
                throw GatewayException.resourceExhausted("TOO_MANY_SIGN_INS", "too many sign-ins are in progress;"
                        + " try again in a few minutes", Map.of(), LOGIN_TTL);
            }
        }
        pending.put(ApiKeyFormat.hash(state), new Pending(tenant, codeVerifier, nonce, ApiKeyFormat.hash(binding),
                now.plus(LOGIN_TTL), connectLink));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", config.clientId());
        query.put("redirect_uri", redirectUri());
        query.put("scope", connectLink.isEmpty() ? config.requestedScopes() : "openid");
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge(codeVerifier));
        query.put("code_challenge_method", "S256");
        String sep = endpoints.authorization().getRawQuery() == null ? "?" : "&";
        return new Start(URI.create(endpoints.authorization() + sep + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"))), binding);
    }

    /**
     * Ends a sign-in with the provider's answer.
     *
     * @param binding the login cookie's value (empty when the browser sent none)
     * @throws GatewayException UNAUTHENTICATED {@link #REFUSED} or {@code USER_TOKEN_INVALID} saying what failed;
     *         UNAVAILABLE when the provider cannot be reached
     */
    public Person complete(String state, String code, String binding) {
        Pending p = state.isEmpty() ? null : pending.remove(ApiKeyFormat.hash(state)); // single use
        if (p == null) {
            throw refused("this sign-in is unknown or was already used; start again from the sign-in page");
        }
        if (!clock.instant().isBefore(p.expiresAt())) {
            throw refused("this sign-in took longer than " + LOGIN_TTL.toMinutes() + " minutes; start again");
        }
        if (!MessageDigest.isEqual(p.bindingHash().getBytes(StandardCharsets.US_ASCII),
                ApiKeyFormat.hash(binding).getBytes(StandardCharsets.US_ASCII))) {
            throw refused("this sign-in was started in another browser (its login cookie is missing); start again"
                    + " from the sign-in page");
        }
        ConsoleSignIn config = config(p.tenant());
        OidcDiscovery.Endpoints endpoints = discovery.of(config.issuerText());
        TokenEndpoint.Answer answer;
        try {
            answer = tokens.post(endpoints.token(), config.clientId(), clientSecret(config), Map.of(
                    "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri(),
                    "code_verifier", p.verifier()), Duration.ofSeconds(10));
        } catch (IOException e) {
            throw GatewayException.unavailable("IDENTITY_PROVIDER_UNAVAILABLE", "the OpenID provider's token endpoint"
                    + " cannot be reached; try again", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.unavailable("IDENTITY_PROVIDER_UNAVAILABLE", "interrupted", Map.of());
        }
        String idToken = answer.body().path("id_token").asText("");
        if (answer.status() != 200 || idToken.isEmpty()) {
            throw refused("the OpenID provider did not exchange the code for an ID token ("
                    + Identifiers.abbreviate(answer.body().path("error").asText("HTTP " + answer.status())) + ")");
        }
        EndUser user = verifier.verify(new IdentityProvider(p.tenant(), config.issuerText(), endpoints.jwks(),
                config.clientId(), IdentityProvider.DEFAULT_CLOCK_SKEW), idToken);
        JsonNode claims = user.claims();
        if (!MessageDigest.isEqual(p.nonce().getBytes(StandardCharsets.US_ASCII),
                claims.path("nonce").asText("").getBytes(StandardCharsets.US_ASCII))) {
            throw refused("the ID token's nonce is not the one this sign-in sent (a replayed token)");
        }
        JsonNode azp = claims.path("azp");
        if (!azp.isMissingNode() && !config.clientId().equals(azp.asText())) {
            throw refused("the ID token was issued to another client (azp)");
        }
        return new Person(p.tenant(), user.id(), name(claims, user.id()), groups(claims.path(config.groupsClaim())),
                p.connectLink());
    }

    /** Forgets a started sign-in the provider answered with an error (its state cannot be used again). */
    public void abandon(String state) {
        pending.remove(ApiKeyFormat.hash(state));
    }

    /** The redirect URI to register at the provider: {@code <public-url>/console/oidc/callback}. */
    public String redirectUri() {
        if (!connections.publicUrl().isEmpty()) {
            return connections.publicUrl() + CALLBACK_PATH;
        }
        URI own = server.get().getURI();
        return own.getScheme() + "://" + own.getHost() + ":" + own.getPort() + CALLBACK_PATH;
    }

    /** Where the tenant's people start: the sign-in page with the tenant filled in. */
    public String loginUrl(String tenant) {
        return redirectUri().substring(0, redirectUri().length() - CALLBACK_PATH.length()) + "/console/login?tenant="
                + URLEncoder.encode(tenant, StandardCharsets.UTF_8);
    }

    private ConsoleSignIn config(String tenant) {
        return signIns.find(tenant).orElseThrow(() -> GatewayException.notFound("CONSOLE_SIGN_IN_NOT_CONFIGURED",
                "no OpenID sign-in is set up for tenant '" + Identifiers.abbreviate(tenant) + "'; sign in with an"
                        + " API key, or ask an admin (toolgate admin console-sign-in set)", List.of()));
    }

    private String clientSecret(ConsoleSignIn config) {
        try {
            return secrets.reveal(config.tenant(), config.clientSecretName()).orElseThrow(() ->
                    GatewayException.failedPrecondition("CONSOLE_SIGN_IN_SECRET_MISSING", "the console's client"
                            + " secret '" + config.clientSecretName() + "' is missing; an admin must store it with"
                            + " PutSecret"));
        } catch (SecretUnreadableException e) {
            throw GatewayException.failedPrecondition("CONSOLE_SIGN_IN_SECRET_MISSING", "the console's client secret"
                    + " cannot be decrypted with this gateway's master key");
        }
    }

    private static String name(JsonNode claims, String subject) {
        for (String field : List.of("email", "preferred_username", "name")) {
            String v = claims.path(field).asText("");
            if (!v.isEmpty() && v.length() <= 256) {
                return v;
            }
        }
        return subject;
    }

    private static List<String> groups(JsonNode claim) {
        List<String> out = new ArrayList<>();
        if (claim.isTextual()) {
            out.add(claim.asText());
        } else if (claim.isArray()) {
            claim.forEach(g -> {
                if (g.isTextual() && out.size() < 1_000) {
                    out.add(g.asText());
                }
            });
        }
        return List.copyOf(out);
    }

    private static GatewayException refused(String message) {
        return GatewayException.unauthenticated(REFUSED, message, Map.of());
    }

    private static String random() {
        byte[] b = new byte[32];
        Identifiers.random().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
