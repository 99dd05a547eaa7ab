package dev.toolgate.gateway.cluster;

/**
 * Tells the other gateway instances on the same database to drop a cached value. On PostgreSQL
 * it sends {@code NOTIFY toolgate_invalidations}, and every instance (this one ignores its own)
 * publishes the {@link Invalidation} as an application event within milliseconds; on H2 (one
 * instance) it does nothing. Best effort: a message that cannot be sent is logged, and the
 * caches' own expiry ({@code toolgate.auth.cache-ttl}, {@code toolgate.secrets.cache-ttl},
 * {@code toolgate.catalog.refresh-interval}) still bounds how long another instance serves the
 * old value. Thread-safe.
 */
public interface ClusterBus {
    /** Sends {@code invalidation} to the other instances; call it after the change is committed. */
    void publish(Invalidation invalidation);
}
