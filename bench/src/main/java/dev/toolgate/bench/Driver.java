package dev.toolgate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - start;
        return LatencyStats.of(latencies, done.get(), errors.get(), wall);
    }
}
