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
 * tenant, so one tenant can never use up another's. This instance counts only the calls it
 * serves: with several gateway instances, each enforces the limit on its own share. Memory is
 * bounded: idle, full buckets are dropped when the table grows large. Thread-safe.
 */
public final class RateLimiter {
    static final int MAX_BUCKETS = 200_000;

    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production) */
    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
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
        List<Bucket> taken = null;
        for (RateLimit limit : limits) {
            if (!limit.applies(request.qualifiedTool(), request.agentId())) {
                continue;
            }
            Bucket bucket = bucket(request.tenant(), limit, request);
            long waitNanos = bucket.tryTake(now);
            if (waitNanos > 0) {
                if (taken != null) {
                    taken.forEach(b -> b.giveBack());
                }
                Duration retry = Duration.ofNanos(waitNanos);
                return Optional.of(Decision.rateLimited(limit.id(), "rate limit '" + limit.id() + "' ("
                        + limit.describe() + ") is used up; retry in " + Math.max(1, retry.toMillis()) + " ms",
                        policy.version(), retry));
            }
            if (taken == null) {
                taken = new ArrayList<>(2);
            }
            taken.add(bucket);
        }
        return Optional.empty();
    }

    int bucketCount() {
        return buckets.size();
    }

    private Bucket bucket(String tenant, RateLimit limit, PolicyRequest request) {
        String subject = switch (limit.per()) {
            case TENANT -> "";
            case AGENT -> request.agentId();
            case TOOL -> request.qualifiedTool();
            case AGENT_TOOL -> request.agentId() + '\u0000' + request.qualifiedTool();
        };
        String key = tenant + '\u0000' + limit.id() + '\u0000' + limit.per() + '\u0000' + subject;
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
