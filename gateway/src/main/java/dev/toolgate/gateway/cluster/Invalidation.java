package dev.toolgate.gateway.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A cached value another instance must drop: a revoked key, a tenant whose keys' skills changed,
 * a changed secret, a tenant's catalog revision, or everything (after the notification channel
 * was down and messages may have been missed); or news for the instance holding a client's stream:
 * a connect link of a URL elicitation completed ({@link Kind#CONNECTED}, nothing to drop). Published as a Micronaut application event when it
 * arrives from another instance; never carries a secret's value. Immutable.
 *
 * @param kind    what changed
 * @param tenant  the tenant ("" for {@link Kind#KEY} and {@link Kind#ALL})
 * @param subject the key id ({@link Kind#KEY}), the secret name ({@link Kind#SECRET}), the session id
 *                ({@link Kind#SESSION}: a call of it was recorded, its watchers read it again), the
 *                elicitation id ({@link Kind#CONNECTED}), else ""
 */
public record Invalidation(Kind kind, String tenant, String subject) {
    /** What changed. */
    public enum Kind { KEY, TENANT_KEYS, SECRET, CATALOG, SESSION, ALL, CONNECTED }

    private static final char SEP = '\u001f';

    public Invalidation {
        requireNonNull(kind, "kind");
        requireNonNull(tenant, "tenant");
        requireNonNull(subject, "subject");
        if (tenant.indexOf(SEP) >= 0 || subject.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("tenant and subject must not contain U+001F");
        }
    }

    public static Invalidation key(String keyId) {
        return new Invalidation(Kind.KEY, "", keyId);
    }

    public static Invalidation tenantKeys(String tenant) {
        return new Invalidation(Kind.TENANT_KEYS, tenant, "");
    }

    public static Invalidation secret(String tenant, String name) {
        return new Invalidation(Kind.SECRET, tenant, name);
    }

    public static Invalidation catalog(String tenant) {
        return new Invalidation(Kind.CATALOG, tenant, "");
    }

    /** A call of the session was recorded or changed status: its watchers read it again. */
    public static Invalidation session(String tenant, String sessionId) {
        return new Invalidation(Kind.SESSION, tenant, sessionId);
    }

    /** A connect link whose URL elicitation has the id {@code elicitationId} made a connection. */
    public static Invalidation connected(String tenant, String elicitationId) {
        return new Invalidation(Kind.CONNECTED, tenant, elicitationId);
    }

    public static Invalidation all() {
        return new Invalidation(Kind.ALL, "", "");
    }

    /** Whether this drops what is cached for {@code kind} of {@code tenant} (true for {@link Kind#ALL}). */
    public boolean covers(Kind wanted, String ofTenant) {
        return kind == Kind.ALL || (kind == wanted && tenant.equals(ofTenant));
    }

    /** The NOTIFY payload: origin instance, kind, tenant, subject. */
    String encode(String origin) {
        return origin + SEP + kind.name() + SEP + tenant + SEP + subject;
    }

    /** The origin and invalidation of a payload, or empty when it is not one of ours. */
    static Optional<Received> decode(String payload) {
        String[] parts = payload.split(String.valueOf(SEP), -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Received(parts[0], new Invalidation(Kind.valueOf(parts[1]), parts[2], parts[3])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    record Received(String origin, Invalidation invalidation) {
    }
}
