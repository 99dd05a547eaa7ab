package dev.toolgate.policy;

/**
 * Token buckets kept outside this process, so several gateway instances enforce one limit
 * together (the gateway keeps them in PostgreSQL). A bucket is named by a key that holds the
 * tenant, the limit's id and shape, and the subject; a bucket of a new key starts full
 * ({@link RateLimit#burst()} tokens) and refills at {@link RateLimit#ratePerNano()}.
 * Implementations are thread-safe; a failure is thrown as a {@link RuntimeException}, after which
 * {@link RateLimiter} counts in memory for that call.
 */
public interface SharedBuckets {
    /** @return 0 when a token was taken, else nanoseconds until one is available */
    long tryTake(String key, RateLimit limit);

    /** Returns a token taken by a call that another limit then refused. */
    void giveBack(String key, RateLimit limit);
}
