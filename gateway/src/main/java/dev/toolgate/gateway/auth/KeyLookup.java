package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.skills.KeySkills;
import dev.toolgate.gateway.skills.SkillStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds the principal of a key hash, with two bounded Caffeine caches that expire each entry
 * {@code toolgate.auth.cache-ttl} after it was loaded: one for keys found
 * ({@code toolgate.auth.cache-size}) and one for hashes not found or revoked
 * ({@code toolgate.auth.negative-cache-size}). Misses therefore never push valid keys out, and a
 * full cache evicts its least useful entries rather than emptying itself. A zero ttl turns
 * caching off. A principal carries its key's skills, loaded with the key, so a call never reads
 * them. Thread-safe.
 */
@Singleton
public final class KeyLookup {
    private final ApiKeyRepository keys;
    private final SkillStore skills;
    private final ClusterBus cluster;
    private final boolean caching;
    private final Cache<String, Principal> found;
    private final Cache<String, Boolean> missing;
    /** Bumped by every invalidation, so a load that raced with one is returned but not cached. */
    private final AtomicLong generation = new AtomicLong();

    public KeyLookup(ApiKeyRepository keys, SkillStore skills, ClusterBus cluster, AuthProperties config) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.keys = requireNonNull(keys, "keys");
        this.skills = requireNonNull(skills, "skills");
        Duration ttl = config.cacheTtl();
        this.caching = !ttl.isZero();
        this.found = Caffeine.newBuilder().maximumSize(config.cacheSize()).expireAfterWrite(ttl).build();
        this.missing = Caffeine.newBuilder().maximumSize(config.negativeCacheSize()).expireAfterWrite(ttl).build();
    }

    /** The active key with this hash, from the cache or the database; empty when unknown or revoked. */
    public Optional<Principal> find(String keyHash) {
        if (caching) {
            Principal cached = found.getIfPresent(keyHash);
            if (cached != null) {
                return Optional.of(cached);
            }
            if (missing.getIfPresent(keyHash) != null) {
                return Optional.empty();
            }
        }
        long before = generation.get();
        Optional<Principal> loaded = keys.findByKeyHash(keyHash).filter(k -> !k.isRevoked())
                .map(row -> new Principal(row.tenantId(), row.agentId(), row.id(), row.scopeSet(), row.labelMap(), false,
                        new KeySkills(skills.ofKey(row.id())))); // loaded and cached with the key: no query per call
        if (caching) {
            if (loaded.isPresent()) {
                found.put(keyHash, loaded.get());
            } else {
                missing.put(keyHash, Boolean.TRUE);
            }
            if (generation.get() != before) {
                found.invalidate(keyHash); // an invalidation ran while loading: this value may predate it
            }
        }
        return loaded;
    }

    /** Whether the key with this hash was found lately and is cached now; never reads the database. */
    public boolean isCached(String keyHash) {
        return found.getIfPresent(keyHash) != null;
    }

    /** Whether the key with this id still exists unrevoked, read from the database (no cache). */
    public boolean isActive(String keyId) {
        return keys.findById(keyId).filter(k -> !k.isRevoked()).isPresent();
    }

    /**
     * Drops the cached principals of tenant {@code tenant}: a change of its skills (tools, secrets,
     * assignments) through this instance applies at once, and on the other instances when they hear of it.
     */
    public void forgetTenant(String tenant) {
        dropTenant(tenant);
        cluster.publish(Invalidation.tenantKeys(tenant));
    }

    /** Drops the tenant's cached principals here only. */
    void dropTenant(String tenant) {
        generation.incrementAndGet();
        found.asMap().values().removeIf(p -> p.tenantId().equals(tenant));
    }

    /** Drops every cached principal and every cached miss (invalidations may have been missed). */
    void dropAll() {
        generation.incrementAndGet();
        found.invalidateAll();
        missing.invalidateAll();
    }

    /** Drops the cached principal of key {@code keyId}: a revocation through this instance applies at once. */
    public void forget(String keyId) {
        generation.incrementAndGet();
        found.asMap().values().removeIf(p -> p.keyId().equals(keyId));
    }
}
