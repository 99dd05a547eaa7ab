package dev.toolgate.gateway.support;

import java.time.Duration;

/** Retries an assertion until it passes or the time is up (for effects that finish after a reply). */
public final class Eventually {
    private Eventually() {
    }

    public static void within(Duration limit, Runnable assertion) {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
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
