package dev.toolgate.bench;

import java.util.Arrays;

/**
 * Latencies of one run (exact: every call's nanoseconds are kept and sorted).
 *
 * @param calls   calls completed
 * @param errors  calls that failed (counted, not in the latencies)
 * @param wallNanos time from the first call's start to the last call's end
 */
record LatencyStats(int calls, int errors, long wallNanos, long[] sortedNanos) {

    static LatencyStats of(long[] latencies, int count, int errors, long wallNanos) {
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new LatencyStats(count, errors, wallNanos, sorted);
    }

    double throughput() {
        return wallNanos == 0 ? 0 : calls * 1e9 / wallNanos;
    }

    /** The latency at quantile q (0..1) in microseconds, nearest-rank. */
    double percentileMicros(double q) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length - 1))] / 1_000.0;
    }
}
