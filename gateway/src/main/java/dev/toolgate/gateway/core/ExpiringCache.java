package dev.toolgate.gateway.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A small time-bounded cache for values read from the database on the call path (API keys,
 * secrets): each entry lives {@code ttl} after it was loaded, so changes made through another
 * gateway instance show within that time; changes made through this instance invalidate at once.
 * Bounded: when full it is emptied rather than grown. A zero ttl disables caching. Thread-safe.
 */
public final class ExpiringCache<K, V> {
    private record Entry<V>(V value, long expiresAtNanos) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a load that raced with one is returned but not cached. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;

    public ExpiringCache(Duration ttl, int maxEntries, LongSupplier nanoTime) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, but was " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, but was " + maxEntries);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    }

    /** The cached value, or {@code loader}'s (cached unless it throws). */
    public V get(K key, Function<K, V> loader) {
        if (ttlNanos == 0) {
            return loader.apply(key);
        }
        long now = nanoTime.getAsLong();
        Entry<V> entry = entries.get(key);
        if (entry != null && now - entry.expiresAtNanos() < 0) {
            return entry.value();
        }
        long before = generation.get();
        V value = loader.apply(key);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now + ttlNanos));
        if (generation.get() != before) {
            entries.remove(key); // an invalidation ran while loading: this value may predate it
        }
        return value;
    }

    public void invalidate(K key) {
        generation.incrementAndGet();
        entries.remove(key);
    }

    public void invalidateIf(Predicate<V> stale) {
        generation.incrementAndGet();
        entries.values().removeIf(e -> stale.test(e.value()));
    }
}
