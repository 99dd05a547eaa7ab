package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.ApiKeyFormat;
import dev.toolgate.gateway.auth.KeyLookup;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.core.Identifiers;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import dev.toolgate.gateway.auth.Principal;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, held in this instance's memory: each maps a random 256-bit id (the
 * cookie) to how it signed in, with a fixed lifetime of {@link #LIFETIME} and at most
 * {@link #MAX_SESSIONS} at once (the oldest go first). A session resolves, on every request, to
 * the principal its credential stands for now: a revoked key or a changed scope applies at once
 * (within the key cache's ttl); for a person signed in with OpenID, the roles its groups hold under
 * the tenant's current mapping (a deleted sign-in or an unmapped group ends the session). Sessions do not survive a restart and are not shared between
 * instances (a load balancer must keep a browser on one instance). Thread-safe.
 */
@Singleton
public class ConsoleSessions {
    static final Duration LIFETIME = Duration.ofHours(8);
    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The key id of principals signed in with OpenID (they have no API key). */
    static final String OIDC_KEY_ID = "console-oidc";

    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
    private final KeyLookup keys;
    private final ConsoleSignIns signIns;
    private final Clock clock;

    public ConsoleSessions(KeyLookup keys, ConsoleSignIns signIns, Clock clock) {
        this.keys = requireNonNull(keys, "keys");
        this.signIns = requireNonNull(signIns, "signIns");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Opens a session for a principal that has just proven who it is.
     *
     * @param method     {@link ConsoleSession#API_KEY}
     * @param credential for an API key, its hash (never the key)
     */
    public ConsoleSession open(Principal principal, String method, String credential) {
        requireNonNull(principal, "principal");
        if (!ConsoleSession.API_KEY.equals(method)) {
            throw new IllegalArgumentException("sign-in method must be api-key, but was " + method);
        }
        return store(ConsoleSession.API_KEY, credential, principal.tenantId(), principal.agentId(), List.of());
    }

    /**
     * Opens a session for a person the tenant's OpenID provider has just signed in, whose groups hold
     * at least one console role.
     */
    public ConsoleSession openPerson(OidcSignIn.Person person) {
        requireNonNull(person, "person");
        return store(ConsoleSession.OIDC, person.subject(), person.tenant(), agentId(person.subject()),
                person.groups());
    }

    /**
     * The agent id of a person's console calls and decisions: {@code user:<subject>}, or
     * {@code user:<hash of the subject>} when the subject does not fit an agent id.
     */
    static String agentId(String subject) {
        String plain = "user:" + subject;
        if (Identifiers.AGENT_ID.matcher(plain).matches()) {
            return plain;
        }
        return "user:" + ApiKeyFormat.hash(subject).substring(0, 32);
    }

    private ConsoleSession store(String method, String credential, String tenant, String agent, List<String> groups) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sweep(now);
            sessions.values().stream().min(java.util.Comparator.comparing(ConsoleSession::createdAt))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        ConsoleSession s = new ConsoleSession(random(), random(), method, credential, tenant, agent, now,
                now.plus(LIFETIME), groups);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this cookie value and the principal it stands for now; empty otherwise. */
    public Optional<Resolved> resolve(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        ConsoleSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (s.expiredAt(clock.instant())) {
            sessions.remove(id);
            return Optional.empty();
        }
        Optional<Principal> p = ConsoleSession.OIDC.equals(s.method()) ? person(s)
                : keys.find(s.credential()).filter(found -> found.tenantId().equals(s.tenantId()));
        if (p.isEmpty()) {
            sessions.remove(id); // the key was revoked, or the person's groups no longer hold a role
            return Optional.empty();
        }
        return Optional.of(new Resolved(s, p.get()));
    }

    /**
     * The principal a person's session stands for now: the scopes of the roles its groups hold under
     * the tenant's current mapping (none when the sign-in was deleted), plus {@code users:assert} so
     * its runs name the person as their end user (only ever itself: the console sets it).
     */
    private Optional<Principal> person(ConsoleSession s) {
        return signIns.find(s.tenantId()).map(config -> config.roles(s.groups())).filter(roles -> !roles.isEmpty())
                .map(roles -> {
                    Set<String> scopes = new TreeSet<>();
                    roles.forEach(r -> scopes.addAll(r.scopes()));
                    scopes.add(Scopes.USERS_ASSERT);
                    return new Principal(s.tenantId(), s.agentId(), OIDC_KEY_ID, scopes, Map.of(), false);
                });
    }

    /** Ends a session (sign out). */
    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Whether {@code token} is this session's CSRF token (compared in constant time). */
    public static boolean csrfMatches(ConsoleSession s, String token) {
        return token != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    private void sweep(Instant now) {
        sessions.values().removeIf(s -> s.expiredAt(now));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A session and the principal it resolved to. */
    public record Resolved(ConsoleSession session, Principal principal) {
    }
}
