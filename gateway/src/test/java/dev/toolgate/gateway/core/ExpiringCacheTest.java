package dev.toolgate.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        loads.incrementAndGet();
        return key + "#" + loads.get();
    }

    @Test
    void get_withinTtl_loadsOnce_andAfterTtl_loadsAgain() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofNanos(100), 10, now::get);
        assertThat(cache.get("a", this::load)).isEqualTo("a#1");
        now.addAndGet(99);
        assertThat(cache.get("a", this::load)).isEqualTo("a#1");
        now.addAndGet(1);
        assertThat(cache.get("a", this::load)).isEqualTo("a#2");
    }

    @Test
    void invalidate_forcesALoad() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofSeconds(1), 10, now::get);
        cache.get("a", this::load);
        cache.get("b", this::load);
        cache.invalidate("a");
        cache.invalidateIf(v -> v.startsWith("b"));
        assertThat(cache.get("a", this::load)).isEqualTo("a#3");
        assertThat(cache.get("b", this::load)).isEqualTo("b#4");
    }

    @Test
    void zeroTtl_neverCaches_andAFailingLoaderCachesNothing() {
        ExpiringCache<String, String> off = new ExpiringCache<>(Duration.ZERO, 10, now::get);
        off.get("a", this::load);
        assertThat(off.get("a", this::load)).isEqualTo("a#2");
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofSeconds(1), 10, now::get);
        assertThatThrownBy(() -> cache.get("x", k -> {
            throw new IllegalStateException("db down");
        })).hasMessage("db down");
        assertThat(cache.get("x", this::load)).isEqualTo("x#3");
    }

    @Test
    void full_isEmptiedRatherThanGrown() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofSeconds(1), 2, now::get);
        cache.get("a", this::load);
        cache.get("b", this::load);
        cache.get("c", this::load); // clears a and b
        assertThat(cache.get("a", this::load)).isEqualTo("a#4");
    }

    @Test
    void invalidateDuringALoad_theLoadedValueIsNotCached() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofSeconds(1), 10, now::get);
        String raced = cache.get("a", k -> {
            cache.invalidate("a"); // e.g. a revocation committed while the old row was being read
            return "stale";
        });
        assertThat(raced).isEqualTo("stale");
        assertThat(cache.get("a", this::load)).isEqualTo("a#1");
    }
}
