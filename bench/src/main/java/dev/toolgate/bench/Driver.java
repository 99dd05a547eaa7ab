package dev.toolgate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fixed number of calls from N concurrent callers (platform threads, each looping),
 * stopping early at a time cap. Bounded in count and time; targets only what the call does.
 */
final class Driver {
    /** One call; throws on failure. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    /** Every call the harness makes has at most this long. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private Driver() {
    }

    static LatencyStats run(int concurrency, int calls, Duration cap, Call call) throws InterruptedException {
        long[] latencies = new long[calls];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long deadline = System.nanoTime() + cap.toNanos();
        List<Thread> threads = new ArrayList<>(concurrency);
        long start = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            threads.add(Thread.ofPlatform().name("caller-" + t).start(() -> {
                while (System.nanoTime() < deadline) {
                    int i = next.getAndIncrement();
                    if (i >= calls) {
                        return;
                    }
                    long t0 = System.nanoTime();
                    try {
                        call.run();
                        latencies[done.getAndIncrement()] = System.nanoTime() - t0;
                    } catch (Exception e) {
                        if (errors.incrementAndGet() == 1) {
                            System.err.println("bench: first failed call of this run: " + e.getMessage());
                        }
                    }
                }
            }));
        }
        long joinBy = deadline + CALL_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            long left = joinBy - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                t.interrupt();
                throw new IllegalStateException("a caller is stuck past the run's time cap; aborting the run");
            }
        }
        long wall = System.nanoTime() - start;
        return LatencyStats.of(latencies, done.get(), errors.get(), wall);
    }
}
