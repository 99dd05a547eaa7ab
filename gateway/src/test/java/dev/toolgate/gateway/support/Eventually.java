package dev.toolgate.gateway.support;

import java.time.Duration;

/** Retries an assertion until it passes or the time is up (for effects that finish after a reply). */
public final class Eventually {
    /**
     * How long {@link #until} waits for an effect before it reports that the effect never came: a guard
     * against a hang on a busy machine, not a time the effect has to meet.
     */
    public static final Duration PATIENCE = Duration.ofMinutes(2);

    private Eventually() {
    }

    /**
     * Retries {@code assertion} until it passes; fails only if it still fails after {@link #PATIENCE}. An
     * exception counts as "not yet" like a failed assertion (a gRPC NOT_FOUND for a row another instance has
     * not seen yet, say) and is rethrown only when the time is up.
     */
    public static void until(Runnable assertion) {
        within(PATIENCE, assertion);
    }

    public static void within(Duration limit, Runnable assertion) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
