package dev.toolgate.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets for rate limits, kept across policy reloads (a reload that leaves a limit
 * unchanged does not refill it; one that changes it starts it afresh). Buckets are counted per
 * tenant, so one tenant can never use up another's. Without {@link SharedBuckets} this instance
 * counts only the calls it serves: with several gateway instances, each enforces the limit on its
 * own share. With them, every instance takes from the same buckets; when they fail, the call is
 * counted in memory here (the limit then holds per instance until they answer again). Memory is
 * bounded: idle, full buckets are dropped when the table grows large. Thread-safe.
 */
public final class RateLimiter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RateLimiter.class);
    static final int MAX_BUCKETS = 200_000;

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final SharedBuckets shared;
    private final java.util.concurrent.atomic.AtomicBoolean sharedFailing = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production) */
    public RateLimiter(LongSupplier nanoClock) {
        this(nanoClock, Optional.empty());
    }

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
     * @param shared    buckets shared with other instances; empty to count in memory only
     */
    public RateLimiter(LongSupplier nanoClock, Optional<SharedBuckets> shared) {
        this.nanoClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
        this.shared = shared.orElse(null); // null: in memory only
    }

    /**
     * Takes one token from every limit of the policy that applies to the call.
     *
     * @return the refusal when a limit is used up (no token is taken from any limit then)
     */
    public Optional<Decision> acquire(TenantPolicy policy, PolicyRequest request) {
        List<RateLimit> limits = policy.rateLimits();
        if (limits.isEmpty()) {
            return Optional.empty();
        }
        long now = nanoClock.getAsLong();
        List<Runnable> taken = null;
        for (RateLimit limit : limits) {
            if (!limit.applies(request.qualifiedTool(), request.agentId())) {
                continue;
            }
            String key = key(request.tenant(), limit, request);
            long waitNanos = -1;
            if (shared != null) {
                try {
                    waitNanos = shared.tryTake(key, limit);
                    if (sharedFailing.compareAndSet(true, false)) {
                        LOG.info("shared rate-limit buckets answer again");
                    }
                } catch (RuntimeException e) {
                    if (sharedFailing.compareAndSet(false, true)) {
                        LOG.warn("shared rate-limit buckets cannot be read; counting in this instance until they can: {}",
                                e.getMessage());
                    }
                }
            }
            Runnable giveBack;
            if (waitNanos >= 0) {
                giveBack = () -> giveBackShared(key, limit);
            } else {
                Bucket bucket = bucket(key, limit);
                waitNanos = bucket.tryTake(now);
                giveBack = bucket::giveBack;
            }
            if (waitNanos > 0) {
                if (taken != null) {
                    taken.forEach(Runnable::run);
                }
                Duration retry = Duration.ofNanos(waitNanos);
                return Optional.of(Decision.rateLimited(limit.id(), "rate limit '" + limit.id() + "' ("
                        + limit.describe() + ") is used up; retry in " + Math.max(1, retry.toMillis()) + " ms",
                        policy.version(), retry));
            }
            if (taken == null) {
                taken = new ArrayList<>(2);
            }
            taken.add(giveBack);
        }
        return Optional.empty();
    }

    private void giveBackShared(String key, RateLimit limit) {
        try {
            shared.giveBack(key, limit);
        } catch (RuntimeException e) {
            LOG.warn("could not return a token to shared rate-limit bucket of limit {}: {}", limit.id(), e.getMessage());
        }
    }

    int bucketCount() {
        return buckets.size();
    }

    /** The bucket's name: tenant, limit id, its shape (a changed limit starts afresh), subject. */
    private static String key(String tenant, RateLimit limit, PolicyRequest request) {
        String subject = switch (limit.per()) {
            case TENANT -> "";
            case AGENT -> request.agentId();
            case TOOL -> request.qualifiedTool();
            case AGENT_TOOL -> request.agentId() + '\u0000' + request.qualifiedTool();
        };
        return tenant + '\u0000' + limit.id() + '\u0000' + limit.permits() + '/' + limit.period().toNanos() + '/'
                + limit.burst() + '\u0000' + limit.per() + '\u0000' + subject;
    }

    private Bucket bucket(String key, RateLimit limit) {
        Bucket bucket = buckets.get(key);
        if (bucket == null || !bucket.sameShape(limit)) {
            if (buckets.size() >= MAX_BUCKETS) {
                dropIdle();
            }
            Bucket fresh = new Bucket(limit, nanoClock.getAsLong());
            bucket = bucket == null ? buckets.computeIfAbsent(key, k -> fresh) : replace(key, bucket, fresh);
        }
        return bucket;
    }

    private Bucket replace(String key, Bucket old, Bucket fresh) {
        return buckets.replace(key, old, fresh) ? fresh : buckets.getOrDefault(key, fresh);
    }

    private void dropIdle() {
        long now = nanoClock.getAsLong();
        buckets.values().removeIf(b -> b.isFull(now));
    }

    /** One token bucket. Tokens are kept as a double so slow rates refill smoothly. */
    private static final class Bucket {
        private final long permits;
        private final long periodNanos;
        private final long burst;
        private final double perNano;
        private double tokens;
        private long updated;

        Bucket(RateLimit limit, long now) {
            this.permits = limit.permits();
            this.periodNanos = limit.period().toNanos();
            this.burst = limit.burst();
            this.perNano = limit.ratePerNano();
            this.tokens = burst;
            this.updated = now;
        }

        boolean sameShape(RateLimit limit) {
            return limit.permits() == permits && limit.period().toNanos() == periodNanos && limit.burst() == burst;
        }

        /** @return 0 when a token was taken, else nanoseconds until one is available */
        synchronized long tryTake(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
        }

        synchronized void giveBack() {
            tokens = Math.min(burst, tokens + 1);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * perNano);
                updated = now;
            }
        }
    }
}
