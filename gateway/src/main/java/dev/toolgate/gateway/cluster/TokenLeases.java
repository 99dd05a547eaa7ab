package dev.toolgate.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.toolgate.policy.RateLimit;
import java.time.Duration;
import io.micronaut.core.annotation.Nullable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Rate-limit tokens this instance has taken from the shared buckets ahead of its calls, so a busy
 * limit costs one database round trip per batch of calls instead of one per call.
 *
 * <p>Per bucket, a lease holds the tokens taken and not yet used, for at most {@link #TTL}. A call
 * takes a leased token in memory; when the lease is empty or old, the next call fetches a batch
 * (and returns an old lease's unused tokens in the same transaction). Tokens come out of the shared
 * bucket before they are used, so N instances together never allow more than the limit; what a
 * lease costs the others is its unused tokens, returned at the latest {@link #TTL} later.
 *
 * <p>The batch adapts to the instance's own demand for the bucket: it starts at one token, doubles
 * when a full batch was used up before it aged, halves when a lease aged with tokens left, and never
 * exceeds a tenth of the limit's burst or {@link #MAX_BATCH}. A bucket called a few times a second
 * keeps a batch of one (one round trip per call, exact as before); one called thousands of times a
 * second goes to the database every {@value #MAX_BATCH} calls. Near exhaustion, a batch the bucket
 * cannot fill falls back to a single token and the batch to one; a refusal is remembered for at most
 * 50 ms, so refused callers do not each cost a transaction. A caller waits at most {@link #LOCK_WAIT}
 * for another's fetch of the same bucket, then counts in memory (the database is slow or down).
 *
 * <p>A busy lease is refilled ahead: once its last batch was filled (with at least
 * {@value #REFILL_AHEAD_MIN_BATCH} tokens) and half of it is used, the next batch is fetched on the
 * {@code refills} executor while the calls go on taking the rest from memory, so no call of a busy
 * bucket waits for the database as long as the bucket has tokens. The tokens fetched join the lease
 * and start its {@link #TTL} again; what it holds stays under one and a half batches. A call that finds
 * the lease empty while the fetch is out waits for it (at most {@link #LOCK_WAIT}) instead of fetching
 * another batch; a failed fetch turns the fetching ahead off until a batch is filled again.
 * Thread-safe.
 */
final class TokenLeases {
    /** How long unused leased tokens stay with this instance before they go back to the bucket. */
    static final Duration TTL = Duration.ofSeconds(1);
    static final int MAX_BATCH = 256;
    static final int MAX_LEASES = 100_000;
    /** How long a caller waits for another's fetch of the same bucket before it counts in memory. */
    static final Duration LOCK_WAIT = Duration.ofMillis(500);
    /** How long a refusal from the bucket is remembered, so refused callers do not each ask again. */
    static final long REFUSAL_MEMORY_NANOS = Duration.ofMillis(50).toNanos();
    /** The smallest filled batch refilled ahead; smaller ones (a quiet bucket) are fetched when used up. */
    static final int REFILL_AHEAD_MIN_BATCH = 8;
    /** What {@code take} answers for a lease returned meanwhile: the caller starts again with the current one. */
    private static final long RETURNED = -1;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenLeases.class);

    /** The database side: takes tokens from a bucket, first returning {@code returning} unused ones. */
    interface Store {
        /**
         * @param wanted    tokens wanted (≥ 1); all of them or, failing that, one is taken
         * @param returning unused tokens of an old lease, given back first (≥ 0)
         */
        Take take(String key, RateLimit limit, int wanted, int returning);

        /** Gives unused tokens back to the bucket. */
        void giveBack(String key, RateLimit limit, int tokens);
    }

    /**
     * @param taken     tokens taken (0 when the bucket had none)
     * @param waitNanos when nothing was taken: nanoseconds until a token is available
     */
    record Take(int taken, long waitNanos) {
    }

    private final Store store;
    private final LongSupplier nanoTime;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final Executor refills;
    private volatile boolean closed;

    /** @param refills runs the fetches of leases refilled ahead (a caller's thread never waits for them) */
    TokenLeases(Store store, LongSupplier nanoTime, Executor refills) {
        this.store = requireNonNull(store, "store");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.refills = requireNonNull(refills, "refills");
        this.ttlNanos = TTL.toNanos();
    }

    /**
     * @return 0 when a token was taken, else nanoseconds until one is available
     * @throws IllegalStateException when the database cannot be asked (the caller then counts in memory)
     */
    long tryTake(String key, RateLimit limit) {
        while (true) {
            Lease lease = leases.get(key);
            if (lease == null) {
                if (leases.size() >= MAX_LEASES) { // full: no lease, one token straight from the bucket
                    Take take = store.take(key, limit, 1, 0);
                    return take.taken() > 0 ? 0 : Math.max(1, take.waitNanos());
                }
                lease = leases.computeIfAbsent(key, k -> new Lease(limit, nanoTime.getAsLong() - ttlNanos - 1));
            }
            lock(lease);
            try {
                long taken = lease.removed ? RETURNED : take(lease, key, limit);
                if (taken != RETURNED) {
                    return taken;
                }
            } finally {
                lease.lock.unlock();
            }
        }
    }

    /** @return 0 (taken), the nanoseconds until a token is available, or {@link #RETURNED} */
    private long take(Lease lease, String key, RateLimit limit) {
        long now = nanoTime.getAsLong();
        boolean fresh = now - lease.takenAt < ttlNanos;
        if (lease.remaining > 0 && fresh) {
            lease.remaining--;
            refillAhead(lease, key, limit);
            return 0;
        }
        if (lease.refilling) { // the next batch is on its way: wait for it rather than fetch another
            awaitRefill(lease);
            if (lease.removed) { // returned while this call waited (the lock is let go while waiting)
                return RETURNED;
            }
            now = nanoTime.getAsLong();
            fresh = now - lease.takenAt < ttlNanos;
            if (lease.remaining > 0 && fresh) {
                lease.remaining--;
                refillAhead(lease, key, limit);
                return 0;
            }
        }
        if (now - lease.emptyUntil < 0) { // the bucket said "empty" a moment ago: no round trip per refusal
            return lease.emptyUntil - now;
        }
        // a new batch: grow it when the last full batch ran out while fresh, shrink it when one aged unused
        // (not when a batch fetched ahead, already grown, is late: this one is fetched at the same size)
        if (lease.remaining == 0 && fresh && lease.lastWasFull && !lease.refilling) {
            lease.batch = Math.min(lease.batch * 2, lease.maxBatch);
        } else if (lease.remaining > 0) {
            lease.batch = Math.max(1, lease.batch / 2);
        }
        int returning = lease.remaining;
        lease.remaining = 0; // should the commit's outcome be unknown, tokens are lost rather than returned twice
        Take take = store.take(key, limit, lease.batch, returning);
        if (take.taken() == 0) {
            lease.lastWasFull = false;
            lease.batch = 1;
            long wait = Math.max(1, take.waitNanos());
            lease.emptyUntil = now + Math.min(wait, REFUSAL_MEMORY_NANOS);
            return wait;
        }
        lease.lastWasFull = take.taken() == lease.batch;
        if (!lease.lastWasFull) {
            lease.batch = 1; // the bucket is nearly empty: one token at a time, exact
        }
        lease.remaining = take.taken() - 1;
        lease.takenAt = now;
        return 0;
    }

    /** Under the lease's lock: starts fetching the next batch when a busy lease is down to half of its batch. */
    private void refillAhead(Lease lease, String key, RateLimit limit) {
        if (lease.refilling || !lease.lastWasFull || lease.batch < REFILL_AHEAD_MIN_BATCH
                || lease.remaining > lease.batch / 2) {
            return;
        }
        int before = lease.batch;
        int wanted = Math.min(before * 2, lease.maxBatch); // half a batch went while fresh: demand is high
        lease.batch = wanted;
        lease.refilling = true;
        try {
            refills.execute(() -> refill(lease, key, limit, wanted, before));
        } catch (RejectedExecutionException e) { // closing: the calls fetch their own batches
            lease.refilling = false;
            lease.batch = before;
        }
    }

    /** Under the lease's lock: waits at most {@link #LOCK_WAIT} for the batch being fetched ahead. */
    private static void awaitRefill(Lease lease) {
        long left = LOCK_WAIT.toNanos();
        try {
            while (lease.refilling && left > 0) {
                left = lease.refilled.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fetches a batch for {@code lease} off the calls' path; tokens the lease can no longer take go back. */
    private void refill(Lease lease, String key, RateLimit limit, int wanted, int before) {
        Take take = null;
        try {
            take = store.take(key, limit, wanted, 0);
        } catch (RuntimeException e) { // the calls fetch their own batch when the lease is empty, and see the failure
            LOG.debug("fetching rate-limit tokens ahead for limit {} failed: {}", limit.id(), e.getMessage());
        } finally { // whatever happened, the lease's callers stop waiting for this fetch
            if (!join(lease, take, wanted, before) && take != null && take.taken() > 0) {
                try { // the lease was returned meanwhile (aged, or the instance closes)
                    store.giveBack(key, limit, take.taken());
                } catch (RuntimeException e) { // lost, not doubled: the bucket refills them
                    LOG.warn("could not return {} rate-limit tokens of limit {}: {}", take.taken(), limit.id(),
                            e.getMessage());
                }
            }
        }
    }

    /**
     * Ends a fetch ahead: its tokens join the lease, unless the lease was returned or the instance is
     * closing. A failed fetch ({@code take} null) puts the batch back and starts no other fetch ahead
     * until a batch is filled again.
     *
     * @return whether the lease took the fetched tokens (false: they are to be given back)
     */
    private boolean join(Lease lease, @Nullable Take take, int wanted, int before) {
        if (!tryLock(lease)) {
            lease.refilling = false;
            return false;
        }
        try {
            lease.refilling = false;
            lease.refilled.signalAll();
            if (take == null) {
                lease.lastWasFull = false;
                lease.batch = before;
                return false;
            }
            if (lease.removed || closed) {
                return false;
            }
            lease.lastWasFull = take.taken() == wanted;
            if (!lease.lastWasFull) {
                lease.batch = 1; // the bucket is nearly empty: one token at a time, exact
            }
            if (take.taken() > 0) {
                lease.remaining += take.taken();
                lease.takenAt = nanoTime.getAsLong();
            }
            return true;
        } finally {
            lease.lock.unlock();
        }
    }

    /** A token taken by a call that another limit then refused goes back to the lease it came from. */
    void giveBack(String key, RateLimit limit) {
        Lease lease = leases.get(key);
        if (lease != null && tryLock(lease)) {
            try {
                if (!lease.removed) {
                    lease.remaining++;
                    return;
                }
            } finally {
                lease.lock.unlock();
            }
        }
        store.giveBack(key, limit, 1);
    }

    /**
     * Gives the unused tokens of aged leases back to their buckets and forgets those leases, so an
     * instance that stopped calling holds no tokens the others could use. Run twice a {@link #TTL}.
     *
     * @return how many tokens went back
     */
    int returnAged() {
        return returnUnused(false);
    }

    /** Gives every lease's unused tokens back (the instance is closing); a fetch ending later gives its own back. */
    int returnAll() {
        closed = true;
        return returnUnused(true);
    }

    private int returnUnused(boolean all) {
        long now = nanoTime.getAsLong();
        int returned = 0;
        for (var entry : leases.entrySet()) {
            Lease lease = entry.getValue();
            if (all ? !tryLock(lease) : !lease.lock.tryLock()) {
                continue; // in use right now: not aged (or, closing, held for longer than LOCK_WAIT)
            }
            int unused;
            try {
                if (!all && now - lease.takenAt < ttlNanos) {
                    continue;
                }
                unused = lease.remaining;
                lease.remaining = 0;
                lease.removed = true;
                leases.remove(entry.getKey(), lease);
            } finally {
                lease.lock.unlock();
            }
            if (unused > 0) {
                try {
                    store.giveBack(entry.getKey(), lease.limit, unused);
                    returned += unused;
                } catch (RuntimeException e) { // lost, not doubled: the bucket refills them; go on with the others
                    LOG.warn("could not return {} unused rate-limit tokens of limit {}: {}", unused, lease.limit.id(),
                            e.getMessage());
                }
            }
        }
        return returned;
    }

    /** Waits for the lease at most {@link #LOCK_WAIT}; a caller that cannot get it counts in memory instead. */
    private static void lock(Lease lease) {
        if (!tryLock(lease)) {
            throw new IllegalStateException("rate-limit tokens are being fetched for longer than "
                    + LOCK_WAIT.toMillis() + " ms (the database is slow or down)");
        }
    }

    private static boolean tryLock(Lease lease) {
        try {
            return lease.lock.tryLock(LOCK_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Unused tokens held by this instance for the bucket (for tests). */
    int held(String key) {
        Lease lease = leases.get(key);
        return lease == null ? 0 : lease.remaining;
    }

    private static final class Lease {
        final ReentrantLock lock = new ReentrantLock();
        final RateLimit limit;
        final int maxBatch;
        int batch = 1;
        int remaining;
        long takenAt;
        long emptyUntil;
        boolean lastWasFull;
        boolean removed;
        /** A batch is being fetched ahead; set under the lock, cleared by the fetch. */
        volatile boolean refilling;
        /** Signalled when a fetch ahead ends. */
        final java.util.concurrent.locks.Condition refilled = lock.newCondition();

        /** @param aged a time at which the lease counts as aged and no refusal is remembered */
        Lease(RateLimit limit, long aged) {
            this.limit = limit;
            this.takenAt = aged;
            this.emptyUntil = aged;
            this.maxBatch = (int) Math.max(1, Math.min(MAX_BATCH, limit.burst() / 10));
        }
    }
}
