package dev.toolgate.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real OpenID Connect provider on 127.0.0.1: the OpenID-certified {@code oidc-provider} npm package
 * run by Node from {@code examples/idp} (installed by {@code ./toolgate test}), with RSA signing keys
 * this class generates (the first one signs) and confidential clients it declares. Its sign-in and
 * consent pages are its development interactions: a {@link Browser} fills them for any user name.
 * It can be restarted on the same port with other keys (a key rotation). Not thread-safe.
 */
public final class OidcProvider implements AutoCloseable {
    public static final Path DIR = Path.of("..").toAbsolutePath().normalize().resolve("examples/idp");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A confidential client of the provider. */
    public record Client(String id, String secret, String redirectUri) {
    }

    /** What the token endpoint answered. */
    public record Tokens(String idToken, String accessToken, String refreshToken) {
    }

    private final int port = Ports.free();
    private final Path config;
    private final List<Client> clients;
    private final Map<String, String> env;
    private List<RSAKey> keys;
    private ServerProcess process;

    private OidcProvider(List<Client> clients, Map<String, String> env) {
        this.clients = List.copyOf(clients);
        this.env = Map.copyOf(env);
        try {
            config = Files.createTempDirectory("oidc-provider");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a provider with one fresh signing key; {@code env} may set ID_TOKEN_TTL, ACCESS_TOKEN_TTL. */
    public static OidcProvider start(List<Client> clients, Map<String, String> env) {
        assertThat(DIR.resolve("node_modules/oidc-provider")).as("oidc-provider is missing: run the tests with"
                + " ./toolgate test (it installs examples/idp)").exists();
        OidcProvider provider = new OidcProvider(clients, env);
        provider.keys = List.of(newKey());
        provider.up();
        return provider;
    }

    /** A fresh RSA signing key with a random kid. */
    public static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return "http://127.0.0.1:" + port;
    }

    public URI jwksUrl() {
        return URI.create(issuer() + "/jwks");
    }

    /** The signing keys (private), the first signs. */
    public List<RSAKey> keys() {
        return keys;
    }

    /** Stops the provider and starts it again on the same port, signing with {@code newKeys.get(0)}. */
    public void restartWith(List<RSAKey> newKeys) {
        down();
        keys = List.copyOf(newKeys);
        up();
    }

    /**
     * Signs {@code user} in through the browser flow (authorization code + PKCE) for {@code client}
     * and redeems the code.
     */
    public Tokens signIn(String user, Client client, String scope) {
        String verifier = randomUrlSafe(48);
        String state = randomUrlSafe(16);
        URI authorize = URI.create(issuer() + "/auth?" + form(Map.of("client_id", client.id(), "response_type", "code",
                "scope", scope, "redirect_uri", client.redirectUri(), "state", state,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256", "prompt", "consent")));
        Browser.Landing landing = new Browser(user).open(authorize, client.redirectUri());
        assertThat(landing.param("state")).isEqualTo(state);
        JsonNode answer = token(client, Map.of("grant_type", "authorization_code", "code", landing.param("code"),
                "redirect_uri", client.redirectUri(), "code_verifier", verifier));
        return new Tokens(answer.path("id_token").asText(""), answer.path("access_token").asText(""),
                answer.path("refresh_token").asText(""));
    }

    /** A POST to the token endpoint with the client's credentials; fails unless it answers 200. */
    public JsonNode token(Client client, Map<String, String> form) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer()
                    + "/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client.id() + ":"
                            + client.secret()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("token endpoint: %s", r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomUrlSafe(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private void up() {
        try {
            Path jwks = config.resolve("jwks.json");
            Files.writeString(jwks, new JWKSet(new ArrayList<>(keys)).toString(false)); // private: the provider signs
            Path clientsFile = config.resolve("clients.json");
            Files.writeString(clientsFile, JSON.writeValueAsString(clients.stream().map(c -> Map.of(
                    "client_id", c.id(), "client_secret", c.secret(), "redirect_uris", List.of(c.redirectUri()),
                    "grant_types", List.of("authorization_code", "refresh_token",
                            "urn:ietf:params:oauth:grant-type:token-exchange"), // provider.js registers it
                    "response_types", List.of("code"))).toList()));
            ProcessBuilder pb = new ProcessBuilder("node", "provider.js").directory(DIR.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PORT", String.valueOf(port));
            pb.environment().put("JWKS_FILE", jwks.toString());
            pb.environment().put("CLIENTS_FILE", clientsFile.toString());
            process = ServerProcess.start(pb, "oidc-provider listening on", "oidc-provider on port " + port,
                    Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void down() {
        if (process != null) {
            process.stop();
            process = null;
        }
    }

    @Override
    public void close() {
        down();
    }
}
