package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.KeyLookup;
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
 * (within the key cache's ttl). Sessions do not survive a restart and are not shared between
 * instances (a load balancer must keep a browser on one instance). Thread-safe.
 */
@Singleton
public class ConsoleSessions {
    static final Duration LIFETIME = Duration.ofHours(8);
    static final int MAX_SESSIONS = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
    private final KeyLookup keys;
    private final Clock clock;

    public ConsoleSessions(KeyLookup keys, Clock clock) {
        this.keys = requireNonNull(keys, "keys");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Opens a session for a principal that has just proven who it is.
     *
     * @param method     {@link ConsoleSession#API_KEY} (the only one today)
     * @param credential for an API key, its hash (never the key)
     */
    public ConsoleSession open(Principal principal, String method, String credential) {
        requireNonNull(principal, "principal");
        if (!ConsoleSession.API_KEY.equals(method)) {
            throw new IllegalArgumentException("sign-in method must be api-key, but was " + method);
        }
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sweep(now);
            sessions.values().stream().min(java.util.Comparator.comparing(ConsoleSession::createdAt))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        ConsoleSession s = new ConsoleSession(random(), random(), method, credential, principal.tenantId(),
                principal.agentId(), now, now.plus(LIFETIME));
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
        Optional<Principal> p = keys.find(s.credential()).filter(found -> found.tenantId().equals(s.tenantId()));
        if (p.isEmpty()) {
            sessions.remove(id); // the key was revoked
            return Optional.empty();
        }
        return Optional.of(new Resolved(s, p.get()));
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
