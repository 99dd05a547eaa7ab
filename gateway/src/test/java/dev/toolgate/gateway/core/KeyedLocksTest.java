package dev.toolgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {
    @Test
    void call_sameKey_runsOneAtATime_otherKeysDoNotWait() throws Exception {
        KeyedLocks locks = new KeyedLocks();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> locks.call("a", () -> {
            inside.countDown();
            await(release);
            return "first";
        }), r -> Thread.ofVirtual().start(r));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(locks.call("b", () -> "other key")).isEqualTo("other key"); // not blocked by "a"
        AtomicInteger ranSecond = new AtomicInteger();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> locks.call("a", ranSecond::incrementAndGet),
                r -> Thread.ofVirtual().start(r));
        assertThat(second).isNotDone();
        assertThat(ranSecond).hasValue(0);
        release.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        second.get(10, TimeUnit.SECONDS);
        assertThat(ranSecond).hasValue(1);
    }

    @Test
    void call_lastUserLeaves_keyIsDropped_evenWhenTheActionThrows() {
        KeyedLocks locks = new KeyedLocks();
        locks.call("x", () -> 1);
        try {
            locks.call("y", () -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // dropped below all the same
        }
        assertThat(locks.size()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
