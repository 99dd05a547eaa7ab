package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.gateway.support.Eventually;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A metric computed in the background: readers (a scrape on an event loop) never run the source. */
class RefreshedValueTest {
    @Test
    void get_servesTheLastComputedValue_withoutRunningTheSource() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch computed = new CountDownLatch(1);
        try (RefreshedValue<Integer> value = new RefreshedValue<>("test-refresh", -1, () -> {
            int n = runs.incrementAndGet();
            computed.countDown();
            return n;
        }, Duration.ofHours(1))) {
            assertThat(computed.await(10, TimeUnit.SECONDS)).isTrue();
            Eventually.within(Duration.ofSeconds(10), () -> assertThat(value.get()).isEqualTo(1));

            for (int i = 0; i < 100; i++) {
                assertThat(value.get()).isEqualTo(1);
            }
            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void get_beforeTheFirstComputation_returnsTheInitialValue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RefreshedValue<String> value = new RefreshedValue<>("test-refresh", "initial", () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "computed";
        }, Duration.ofHours(1))) {
            assertThat(value.get()).isEqualTo("initial");
            release.countDown();
            Eventually.within(Duration.ofSeconds(10), () -> assertThat(value.get()).isEqualTo("computed"));
        }
    }

    @Test
    void aFailingSource_keepsThePreviousValue() {
        AtomicInteger runs = new AtomicInteger();
        try (RefreshedValue<Integer> value = new RefreshedValue<>("test-refresh", 7, () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("database down");
        }, Duration.ofMillis(10))) {
            Eventually.within(Duration.ofSeconds(10), () -> assertThat(runs.get()).isGreaterThan(2));
            assertThat(value.get()).isEqualTo(7);
        }
    }

    @Test
    void constructor_zeroInterval_isRefusedWithTheValue() {
        assertThatThrownBy(() -> new RefreshedValue<>("x", 0, () -> 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }
}
