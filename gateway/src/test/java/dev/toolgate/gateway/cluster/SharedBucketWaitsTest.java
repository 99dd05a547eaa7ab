package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.policy.RateLimit;
import dev.toolgate.policy.SourcePosition;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How long calls of a busy shared bucket wait for their token, on the test PostgreSQL: printed, not
 * asserted (docs/benchmarks.md, eighth pass). A wait of a few hundred microseconds is a call that
 * waited for a batch's round trip, its own or another caller's.
 */
@MicronautTest
class SharedBucketWaitsTest {
    @Inject
    PostgresSharedBuckets buckets;

    private final String key = "test\u0000" + UUID.randomUUID() + "\u0000per-agent\u0000agent-1";

    private static RateLimit perMinute(long permits) {
        return new RateLimit("per-agent", permits, Duration.ofMinutes(1), permits, RateLimit.Per.AGENT, List.of(),
                List.of(), SourcePosition.ofFile("_all/limits.yaml"));
    }

    @Test
    void sixteenCallersOfABusyBucket_theirWaitsArePrinted() throws Exception {
        RateLimit limit = perMinute(1_000_000_000L); // never bites: batches of 256
        int callers = 16;
        int perCaller = 4_000;
        long[][] waits = new long[callers][perCaller];
        long start = System.nanoTime();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < callers; t++) {
                long[] mine = waits[t];
                done.add(threads.submit(() -> {
                    for (int i = 0; i < perCaller; i++) {
                        // between takes a call waits for its upstream, giving its carrier to the others
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                        long t0 = System.nanoTime();
                        assertThat(buckets.tryTake(key, limit)).isZero();
                        mine[i] = System.nanoTime() - t0;
                    }
                }));
            }
            for (var f : done) {
                f.get(2, java.util.concurrent.TimeUnit.MINUTES);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = java.util.Arrays.stream(waits).flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        long over100us = java.util.Arrays.stream(all).filter(w -> w > 100_000).count();
        System.out.printf("shared rate-limit bucket, %d callers x %d takes: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs,"
                + " max %.1f µs; %d takes over 100 µs; %.0f takes/s%n", callers, perCaller, all[all.length / 2] / 1e3,
                all[(int) (all.length * 0.99)] / 1e3, all[(int) (all.length * 0.999)] / 1e3, all[all.length - 1] / 1e3,
                over100us, all.length / seconds);
    }

}
