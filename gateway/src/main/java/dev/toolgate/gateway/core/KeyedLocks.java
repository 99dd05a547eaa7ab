package dev.toolgate.gateway.core;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per key (an integration, say), held only while someone uses it: a key's lock is
 * dropped when its last user leaves, so keys of deleted or renamed things never pile up.
 * {@link ReentrantLock}s, not monitors: a virtual thread waiting on a network handshake under the
 * lock does not pin its carrier. Thread-safe.
 */
public final class KeyedLocks {
    private static final class Held {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final ConcurrentHashMap<String, Held> locks = new ConcurrentHashMap<>();

    /** Runs {@code action} holding the key's lock; other keys are not blocked. */
    public <T> T call(String key, Supplier<T> action) {
        requireNonNull(key, "key");
        requireNonNull(action, "action");
        Held held = locks.compute(key, (k, h) -> {
            Held out = h == null ? new Held() : h;
            out.users++;
            return out;
        });
        held.lock.lock();
        try {
            return action.get();
        } finally {
            held.lock.unlock();
            locks.computeIfPresent(key, (k, h) -> --h.users == 0 ? null : h);
        }
    }

    /** Keys with a user now (for tests and metrics). */
    public int size() {
        return locks.size();
    }
}
