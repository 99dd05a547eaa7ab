package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.KeyedLocks;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.secrets.SecretUnreadableException;
import io.micronaut.context.event.ApplicationEventPublisher;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' connected accounts: the access token a call for a user sends to an integration that acts
 * with the user's own account (refreshed before it expires and once after the upstream rejects it,
 * one refresh per connection however many calls wait), the connect links that create connections
 * (authorization code + PKCE, state single use and bound to tenant, user, integration and skill), and
 * listing and disconnecting. A connection belongs to (tenant, user, integration, skill): a call under one
 * skill never sends the token a user connected under another (the skill is empty for keys without skills). A user without a usable connection gets FAILED_PRECONDITION
 * {@code CONNECTION_REQUIRED} with a connect link in the error's metadata. No token, refresh token,
 * client secret or PKCE verifier is ever logged or put in an error. Thread-safe.
 *
 * <p>A connect link is opened only by the user it was made for: unless the tenant explicitly accepts
 * unverified links ({@link #allowUnverified}), the person opening it first signs in with the tenant's
 * OpenID Connect sign-in ({@link OpenerSignIn}), whose subject must be the link's user id
 * ({@link #proveOpener}); the proof is bound to that person's browser (a cookie whose hash the link
 * keeps), which alone may then open the link, finish the sign-in at the upstream or paste a key.
 * Otherwise whoever got hold of the link — or of the upstream's sign-in page it leads to — would
 * connect their own upstream account to the link's user.
 */
@Singleton
public class ConnectedAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionStore.class);
    /** The reason of a call that needs the user to connect (again). */
    public static final String CONNECTION_REQUIRED = "CONNECTION_REQUIRED";
    static final String CALLBACK_PATH = "/connect/callback";

    private final ConnectionStore store;
    private final SecretStore secrets;
    private final TokenEndpoint endpoint;
    private final ConnectionsProperties properties;
    private final Provider<EmbeddedServer> server;
    private final Provider<OpenerSignIn> signIn;
    private final ApplicationEventPublisher<ConnectionCompleted> completions;
    private final ClusterBus cluster;
    private final Clock clock;
    private final KeyedLocks locks = new KeyedLocks();

    ConnectedAccounts(ConnectionStore store, SecretStore secrets, TokenEndpoint endpoint,
            ConnectionsProperties properties, Provider<EmbeddedServer> server, Provider<OpenerSignIn> signIn,
            ApplicationEventPublisher<ConnectionCompleted> completions, ClusterBus cluster, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.secrets = requireNonNull(secrets, "secrets");
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.properties = requireNonNull(properties, "properties");
        this.server = requireNonNull(server, "server");
        this.signIn = requireNonNull(signIn, "signIn");
        this.completions = requireNonNull(completions, "completions");
        this.cluster = requireNonNull(cluster, "cluster");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A connection as its user sees it (no tokens); {@code skill} is empty for a tenant-wide one. */
    public record Connection(String integration, String skill, Instant connectedAt, Instant refreshedAt) {
    }

    /**
     * What a call for a user sends: {@code header: value}, and the raw token or key inside it (for
     * masking echoes). {@link #toString()} shows neither.
     */
    public record UserCredential(String header, String value, String secret) {
        @Override
        public String toString() {
            return "UserCredential[" + header + "]";
        }
    }

    /**
     * Where opening a connect link leads: the authorization server, the gateway's page to paste a key, or
     * first the tenant's sign-in that proves who opens it.
     */
    sealed interface Opened permits Redirect, KeyForm, SignInFirst {
    }

    /** Sign in with the tenant's OpenID Connect sign-in first, which proves who opens the link. */
    record SignInFirst(URI url) implements Opened {
    }

    /** A connect link made for a user already proven (the console's signed-in person), with its browser's proof. */
    public record ProvenLink(URI url, String state, String opener) {
        @Override
        public String toString() {
            return "ProvenLink[" + url.getPath().replaceAll("/[^/]+$", "/…") + "]";
        }
    }

    /** A tenant's connect-link setting as an admin sees it. */
    public record LinkSettings(String tenant, boolean unverifiedAllowed, boolean signInConfigured) {
    }

    /** Sign in at the authorization server. */
    record Redirect(URI url) implements Opened {
    }

    /** Paste one's own API key of {@code integration} (for {@code userId}) on the gateway's page. */
    record KeyForm(String integration, String userId) implements Opened {
    }

    /** Stores how the tenant's users connect {@code integration}; returns the redirect URI to register. */
    public URI configure(ConnectionClient client) {
        store.putClient(client);
        return URI.create(publicUrl() + CALLBACK_PATH);
    }

    /**
     * The access token for a call of {@code userId} to {@code integration} under {@code skill} (empty: a
     * key without skills), refreshed first when it expires within {@code refresh-ahead}.
     *
     * @throws GatewayException FAILED_PRECONDITION {@code CONNECTION_REQUIRED} (with {@code connect_url}) or
     *         {@code USER_REQUIRED}; UNAVAILABLE when the token endpoint cannot be reached
     */
    public String accessToken(String tenant, String integration, String userId, String skill, Duration timeout) {
        if (userId.isEmpty()) {
            throw GatewayException.failedPrecondition("USER_REQUIRED", "integration '" + integration + "' acts with"
                    + " each end user's own account: the call must name its user (ExecuteToolRequest.user)",
                    Map.of("integration", integration));
        }
        ConnectionTokens tokens = store.tokens(tenant, userId, integration, skill)
                .orElseThrow(() -> required(tenant, integration, userId, skill, "is not connected"));
        if (fresh(tokens)) {
            return tokens.accessToken();
        }
        return locks.call(lockKey(tenant, userId, integration, skill), () -> {
            ConnectionTokens now = store.tokens(tenant, userId, integration, skill)
                    .orElseThrow(() -> required(tenant, integration, userId, skill, "is not connected"));
            return fresh(now) ? now.accessToken()
                    : refresh(tenant, integration, userId, skill, now, timeout).accessToken();
        });
    }

    /**
     * What a call of {@code userId} to {@code integration} under {@code skill} sends: the user's access
     * token as a bearer token (refreshed as {@link #accessToken} does), or the API key the user pasted,
     * in the header the integration's connection client names.
     *
     * @throws GatewayException as {@link #accessToken}
     */
    public UserCredential credential(String tenant, String integration, String userId, String skill,
            Duration timeout) {
        String secret = accessToken(tenant, integration, userId, skill, timeout);
        return wrap(client(tenant, integration), secret);
    }

    /**
     * The credential after the upstream rejected {@code rejected}: a refreshed token, or — for a pasted
     * API key, which nothing renews — FAILED_PRECONDITION {@code CONNECTION_REQUIRED} (the key is
     * forgotten; the user connects again).
     */
    public UserCredential renewedCredential(String tenant, String integration, String userId, String skill,
            String rejected, Duration timeout) {
        return wrap(client(tenant, integration), renewAfterRejection(tenant, integration, userId, skill, rejected,
                timeout));
    }

    private static UserCredential wrap(ConnectionClient client, String secret) {
        String header = client.apiKey() ? client.apiKeyHeader() : "Authorization";
        return new UserCredential(header, header.equalsIgnoreCase("Authorization") ? "Bearer " + secret : secret,
                secret);
    }

    /**
     * A new access token after the upstream rejected {@code rejected} (401): refreshed once — a caller
     * that finds the stored token already differs from the rejected one uses that.
     */
    public String renewAfterRejection(String tenant, String integration, String userId, String skill,
            String rejected, Duration timeout) {
        return locks.call(lockKey(tenant, userId, integration, skill), () -> {
            ConnectionTokens now = store.tokens(tenant, userId, integration, skill)
                    .orElseThrow(() -> required(tenant, integration, userId, skill, "is not connected"));
            if (!now.accessToken().equals(rejected)) {
                return now.accessToken();
            }
            return refresh(tenant, integration, userId, skill, now, timeout).accessToken();
        });
    }

    private boolean fresh(ConnectionTokens tokens) {
        return tokens.expiresAt().map(exp -> clock.instant().plus(properties.refreshAhead()).isBefore(exp))
                .orElse(true);
    }

    private ConnectionTokens refresh(String tenant, String integration, String userId, String skill,
            ConnectionTokens current, Duration timeout) {
        if (current.refreshToken().isEmpty()) {
            store.delete(tenant, userId, integration, skill);
            throw required(tenant, integration, userId, skill, current.expiresAt().isEmpty()
                    ? "was refused by the upstream (revoked, or a wrong key)" : "has expired and cannot be refreshed");
        }
        ConnectionClient client = client(tenant, integration);
        TokenEndpoint.Answer answer = post(client, Map.of("grant_type", "refresh_token",
                "refresh_token", current.refreshToken()), timeout);
        if (!answer.ok()) {
            LOG.info("refreshing a connection of tenant {} to {} failed ({}): the user must connect again", tenant,
                    integration, answer.error());
            store.delete(tenant, userId, integration, skill);
            throw required(tenant, integration, userId, skill, "was revoked or expired (the authorization server refused to"
                    + " refresh it: " + answer.error() + ")");
        }
        ConnectionTokens renewed = ConnectionTokens.from(answer.body(), clock.instant(), current.refreshToken());
        store.putTokens(tenant, userId, integration, skill, renewed);
        return renewed;
    }

    /** A new connect link for the user's connection under {@code skill}, valid for {@code link-ttl}, usable once. */
    public URI connectLink(String tenant, String integration, String userId, String skill) {
        String state = random(32);
        store.createState(state, tenant, userId, integration, skill, random(48),
                clock.instant().plus(properties.linkTtl()), "");
        return URI.create(publicUrl() + "/connect/" + state);
    }

    /**
     * A connect link for a user whose identity the caller has proven already (the console's person signed
     * in with the tenant's OpenID Connect sign-in, whose subject is {@code userId}), bound to the browser
     * that receives {@link ProvenLink#opener()} in the cookie {@link #openerCookie}.
     */
    public ProvenLink provenConnectLink(String tenant, String integration, String userId, String skill) {
        String state = random(32);
        String opener = random(32);
        store.createState(state, tenant, userId, integration, skill, random(48),
                clock.instant().plus(properties.linkTtl()), Digests.sha256Hex(opener));
        return new ProvenLink(URI.create(publicUrl() + "/connect/" + state), state, opener);
    }

    /** The name of the cookie that proves who opens the link {@code state} (one per link). */
    public static String openerCookie(String state) {
        return "toolgate_connect_" + Digests.sha256Hex(state).substring(0, 16);
    }

    /** How long a connect link (and the cookie proving its opener) lives. */
    public Duration linkTtl() {
        return properties.linkTtl();
    }

    /**
     * The tenant of a connect link nobody has opened yet.
     *
     * @throws GatewayException NOT_FOUND when the link is unknown, expired or was opened or used
     */
    public String pendingTenant(String state) {
        return store.peek(state).orElseThrow(ConnectedAccounts::invalidLink).tenant();
    }

    /**
     * Records that the person who signed in with the tenant's OpenID Connect sign-in as {@code subject}
     * opens the link {@code state}: allowed only when the subject is the user the link was made for.
     * Nothing is stored otherwise, and the link stays usable for its user.
     *
     * @return the value the person's browser keeps in the cookie {@link #openerCookie} (the link keeps its hash)
     * @throws GatewayException PERMISSION_DENIED {@code CONNECT_LINK_OTHER_USER} when {@code subject} is another
     *         user; NOT_FOUND when the link is unknown, expired, opened or used, or of another tenant
     */
    public String proveOpener(String state, String tenant, String subject) {
        ConnectionStore.PendingState link = store.peek(state).filter(l -> l.tenant().equals(tenant))
                .orElseThrow(ConnectedAccounts::invalidLink);
        if (!MessageDigest.isEqual(link.userId().getBytes(StandardCharsets.UTF_8),
                subject.getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("a connect link of tenant {} for {} was opened by another signed-in user; refused", tenant,
                    link.integration());
            throw GatewayException.permissionDenied("CONNECT_LINK_OTHER_USER", "this connect link was made for"
                    + " another user than the one you signed in as; nothing was connected. Only the person it was"
                    + " made for can use it: if you got it from someone else, do not use it", Map.of());
        }
        String opener = random(32);
        if (!store.bindOpener(state, Digests.sha256Hex(opener))) {
            throw invalidLink();
        }
        return opener;
    }

    /**
     * Opens a connect link (once): the authorization server's URL to send the browser to, or — for an
     * integration users connect with their own API key — the page to paste it on; unless the browser
     * proves with {@code opener} (its cookie {@link #openerCookie}, empty when none) that its person is the
     * link's user, or the tenant accepts unverified links, first the tenant's sign-in.
     *
     * @throws GatewayException NOT_FOUND when the link is unknown, expired or was opened before;
     *         FAILED_PRECONDITION {@code CONNECT_SIGN_IN_REQUIRED} when the opener must be proven but the
     *         tenant has no sign-in
     */
    Opened open(String state, String opener) {
        ConnectionStore.PendingState link = store.peek(state).orElseThrow(ConnectedAccounts::invalidLink);
        boolean proven = !opener.isEmpty() && !link.openerHash().isEmpty() && MessageDigest.isEqual(
                link.openerHash().getBytes(StandardCharsets.US_ASCII),
                Digests.sha256Hex(opener).getBytes(StandardCharsets.US_ASCII));
        if (!proven && !store.unverifiedAllowed(link.tenant())) {
            if (!signIn.get().configured(link.tenant())) {
                throw signInRequired(link.tenant());
            }
            return new SignInFirst(signIn.get().start(state));
        }
        ConnectionStore.PendingState pending = store.open(state, proven ? link.openerHash() : "")
                .orElseThrow(ConnectedAccounts::invalidLink);
        ConnectionClient client = client(pending.tenant(), pending.integration());
        if (client.apiKey()) {
            return new KeyForm(pending.integration(), pending.userId());
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", client.clientId());
        query.put("redirect_uri", publicUrl() + CALLBACK_PATH);
        if (!client.scopes().isEmpty()) {
            query.put("scope", client.scopes());
            if (java.util.Arrays.asList(client.scopes().split(" ")).contains("offline_access")) {
                query.put("prompt", "consent"); // OpenID Connect: offline access is granted only with consent
            }
        }
        query.put("state", state);
        query.put("code_challenge", challenge(pending.verifier()));
        query.put("code_challenge_method", "S256");
        String base = client.authorizationUrl().toString();
        return new Redirect(URI.create(base + (base.contains("?") ? "&" : "?") + form(query)));
    }

    /**
     * The API key a user pasted on an opened connect link's page: the state is used up and the key
     * stored (sealed like tokens) for the state's user, integration and skill; it never expires and is
     * forgotten when the upstream rejects it.
     *
     * @return the integration connected
     * @throws GatewayException INVALID_ARGUMENT for a key that cannot be sent in a header (the link stays
     *         usable); NOT_FOUND for an unknown, expired, unopened or used state; FAILED_PRECONDITION when the
     *         integration does not connect with keys (nothing is stored)
     */
    String completeWithKey(String state, String key, String opener) {
        if (key.isEmpty() || key.length() > 4096 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw GatewayException.invalidArgument("api_key", "the API key must be 1 to 4096 visible ASCII characters"
                    + " (no spaces); paste it again");
        }
        ConnectionStore.PendingState pending = consume(state, opener, "this page does not belong to a pending"
                + " connect link opened in this browser (unknown, expired, already used, or opened by another"
                + " browser); nothing was stored");
        if (!client(pending.tenant(), pending.integration()).apiKey()) {
            throw GatewayException.failedPrecondition("CONNECT_FAILED", "integration '" + pending.integration()
                    + "' connects through its sign-in page, not with a key; nothing was stored");
        }
        store.putTokens(pending.tenant(), pending.userId(), pending.integration(), pending.skill(),
                new ConnectionTokens(key, "", java.util.Optional.empty()));
        completed(pending.tenant(), state);
        return pending.integration();
    }

    /**
     * The authorization server's redirect back: the state is used up (whatever follows), the code
     * redeemed with the state's PKCE verifier, and the tokens stored for the state's user.
     *
     * @return the integration connected
     * @throws GatewayException NOT_FOUND for an unknown, expired, unopened or used state; FAILED_PRECONDITION
     *         when the authorization server refuses the code (nothing is stored)
     */
    String complete(String state, String code, String opener) {
        ConnectionStore.PendingState pending = consume(state, opener, "this sign-in does not belong to a pending"
                + " connect link opened in this browser (unknown, expired, already used, or opened by another"
                + " browser); nothing was stored");
        ConnectionClient client = client(pending.tenant(), pending.integration());
        if (client.apiKey()) {
            throw GatewayException.failedPrecondition("CONNECT_FAILED", "integration '" + pending.integration()
                    + "' connects with the user's own API key, not a sign-in; nothing was stored");
        }
        TokenEndpoint.Answer answer = post(client, Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", publicUrl() + CALLBACK_PATH, "code_verifier", pending.verifier()),
                properties.timeout());
        if (!answer.ok()) {
            throw GatewayException.failedPrecondition("CONNECT_FAILED", "the authorization server refused the sign-in ("
                    + answer.error() + "); nothing was stored, ask for a new connect link");
        }
        store.putTokens(pending.tenant(), pending.userId(), pending.integration(), pending.skill(),
                ConnectionTokens.from(answer.body(), clock.instant(), ""));
        completed(pending.tenant(), state);
        return pending.integration();
    }

    /**
     * The id of the MCP URL elicitation that carries {@code connectUrl}: derived from the link, so the
     * link's state itself is never repeated.
     */
    public static String elicitationId(String connectUrl) {
        return "toolgate-connect-" + Digests.sha256Hex(connectUrl).substring(0, 32);
    }

    /** Tells this instance and the others that the link {@code state} made a connection. */
    private void completed(String tenant, String state) {
        String id = elicitationId(publicUrl() + "/connect/" + state);
        completions.publishEvent(new ConnectionCompleted(tenant, id));
        cluster.publish(Invalidation.connected(tenant, id));
    }

    /** Uses up a state whose sign-in was not completed (the authorization server answered an error). */
    void abandon(String state, String opener) {
        store.consume(state, opener.isEmpty() ? "" : Digests.sha256Hex(opener));
    }

    /**
     * Uses an opened link from the browser that opened it: a link bound to a proven opener only with that
     * opener's cookie; an unbound one only while the tenant accepts unverified links (it may have stopped
     * since the link was opened). Refused links stay as they were.
     */
    private ConnectionStore.PendingState consume(String state, String opener, String refusal) {
        ConnectionStore.PendingState pending = store.consume(state, opener.isEmpty() ? "" : Digests.sha256Hex(opener))
                .orElseThrow(() -> GatewayException.notFound("CONNECT_LINK_INVALID", refusal, List.of()));
        if (pending.openerHash().isEmpty() && !store.unverifiedAllowed(pending.tenant())) {
            throw signInRequired(pending.tenant());
        }
        return pending;
    }

    /** Sets whether the tenant accepts connect links opened by anyone who holds them (the phishing risk). */
    public LinkSettings allowUnverified(String tenant, boolean allowed) {
        store.setUnverifiedAllowed(tenant, allowed);
        return linkSettings(tenant);
    }

    /** The tenant's connect-link setting. */
    public LinkSettings linkSettings(String tenant) {
        return new LinkSettings(tenant, store.unverifiedAllowed(tenant), signIn.get().configured(tenant));
    }

    private static GatewayException invalidLink() {
        return GatewayException.notFound("CONNECT_LINK_INVALID", "this connect link is unknown, expired or was"
                + " already used; ask for a new one", List.of());
    }

    private static GatewayException signInRequired(String tenant) {
        return GatewayException.failedPrecondition("CONNECT_SIGN_IN_REQUIRED", "connect links of tenant '" + tenant
                + "' need its people to sign in, so that only the user a link was made for can use it, but the"
                + " tenant has no OpenID Connect sign-in; nothing was connected. An admin sets one up with"
                + " 'toolgate admin console-sign-in set' (SetConsoleSignIn), or accepts the phishing risk of"
                + " unverified links with 'toolgate admin connect-links --tenant " + tenant
                + " --unverified-allowed' (SetConnectLinks)");
    }

    /** The user's connections, under every skill. */
    public List<Connection> list(String tenant, String userId) {
        return store.list(tenant, userId).stream().map(l -> new Connection(l.integration(), l.skill(), l.createdAt(),
                l.updatedAt())).toList();
    }

    /** A connection of some user of the tenant, as an admin sees it (no tokens). */
    public record UserConnection(String userId, String integration, String skill, Instant connectedAt,
            Instant refreshedAt) {
    }

    /** The tenant's connections of every user (an admin's view), at most {@code limit}. */
    public List<UserConnection> listTenant(String tenant, int limit) {
        return store.listTenant(tenant, limit).stream().map(c -> new UserConnection(c.userId(), c.integration(),
                c.skill(), c.createdAt(), c.updatedAt())).toList();
    }

    /** Removes the user's connection to {@code integration} under {@code skill}; false when there was none. */
    public boolean disconnect(String tenant, String userId, String integration, String skill) {
        return store.delete(tenant, userId, integration, skill);
    }

    /** Removes every connection (and pending connect link) made under a skill that is being deleted. */
    public int forgetSkill(String tenant, String skill) {
        return store.deleteSkill(tenant, skill);
    }

    private ConnectionClient client(String tenant, String integration) {
        return store.client(tenant, integration).orElseThrow(() -> GatewayException.failedPrecondition(
                "CONNECTION_NOT_CONFIGURED", "integration '" + integration + "' acts with each user's own account, but"
                        + " no OAuth client is configured for it; an admin sets one (SetConnectionClient)"));
    }

    private TokenEndpoint.Answer post(ConnectionClient client, Map<String, String> form, Duration timeout) {
        String secret;
        try {
            secret = secrets.reveal(client.tenant(), client.clientSecretName()).orElseThrow(() ->
                    GatewayException.failedPrecondition("SECRET_NOT_FOUND", "the client secret '"
                            + client.clientSecretName() + "' of integration '" + client.integration()
                            + "' is missing; an admin must store it with PutSecret"));
        } catch (SecretUnreadableException e) {
            throw GatewayException.failedPrecondition("SECRET_UNREADABLE", e.getMessage());
        }
        try {
            return endpoint.post(client.tokenUrl(), client.clientId(), secret, form, timeout);
        } catch (IOException e) {
            throw GatewayException.unavailable("AUTHORIZATION_SERVER_UNAVAILABLE", "the authorization server of"
                    + " integration '" + client.integration() + "' cannot be reached (" + e.getClass().getSimpleName()
                    + "); retry later", Map.of("integration", client.integration()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GatewayException.unavailable("AUTHORIZATION_SERVER_UNAVAILABLE", "interrupted", Map.of());
        }
    }

    private GatewayException required(String tenant, String integration, String userId, String skill, String why) {
        URI link = connectLink(tenant, integration, userId, skill);
        return GatewayException.failedPrecondition(CONNECTION_REQUIRED, "the user's account of integration '"
                + integration + "' " + why + ": ask the user to open the connect_url of this error's details,"
                + " sign in there, then call again", Map.of("integration", integration, "connect_url",
                link.toString()));
    }

    private String publicUrl() {
        if (!properties.publicUrl().isEmpty()) {
            return properties.publicUrl();
        }
        URI own = server.get().getURI();
        return own.getScheme() + "://" + own.getHost() + ":" + own.getPort();
    }

    private static String lockKey(String tenant, String userId, String integration, String skill) {
        return tenant + "\0" + userId + "\0" + integration + "\0" + skill;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        dev.toolgate.gateway.core.Identifiers.random().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }
}
