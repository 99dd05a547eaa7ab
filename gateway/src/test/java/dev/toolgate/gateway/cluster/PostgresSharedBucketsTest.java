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

/** The shared buckets' SQL on the test PostgreSQL: burst, refusal with a wait, give-back, purge. Cost is printed. */
@MicronautTest
class PostgresSharedBucketsTest {
    @Inject
    PostgresSharedBuckets buckets;

    @Inject
    javax.sql.DataSource dataSource;

    private final String key = "test\u0000" + UUID.randomUUID() + "\u0000per-agent\u0000agent-1";

    private static RateLimit perMinute(long permits) {
        return new RateLimit("per-agent", permits, Duration.ofMinutes(1), permits, RateLimit.Per.AGENT, List.of(),
                List.of(), SourcePosition.ofFile("_all/limits.yaml"));
    }

    @Test
    void onPostgres_theBucketsAreActive() {
        assertThat(buckets.active()).isTrue();
    }

    @Test
    void aNewBucket_allowsItsBurst_thenRefusesWithTheWaitForOneToken() {
        RateLimit limit = perMinute(3);
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.tryTake(key, limit)).isZero();
        }
        long wait = buckets.tryTake(key, limit);
        assertThat(Duration.ofNanos(wait)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aTokenGivenBack_canBeTakenAgain() {
        RateLimit limit = perMinute(1);
        assertThat(buckets.tryTake(key, limit)).isZero();
        assertThat(buckets.tryTake(key, limit)).isPositive();
        buckets.giveBack(key, limit);
        assertThat(buckets.tryTake(key, limit)).isZero();
    }

    @Test
    void purge_keepsBucketsThatAreNotFullAgain() {
        RateLimit limit = perMinute(1);
        assertThat(buckets.tryTake(key, limit)).isZero();
        buckets.purgeFull();
        assertThat(buckets.tryTake(key, limit)).isPositive(); // the row survived: still empty
    }

    @Test
    void costPerCall_isPrinted() {
        RateLimit limit = perMinute(1_000_000_000L);
        int n = 2_000;
        for (int i = 0; i < 500; i++) {
            buckets.tryTake(key, limit); // warm-up
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            buckets.tryTake(key, limit);
        }
        double sharedMicros = (System.nanoTime() - t0) / 1e3 / n;
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (var c = dataSource.getConnection(); var st = c.createStatement()) {
                st.execute("SELECT 1"); // the baseline: one round trip on a pooled connection
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        double selectMicros = (System.nanoTime() - t1) / 1e3 / n;
        System.out.printf("shared rate-limit bucket on PostgreSQL: %.0f µs per take, %.0f µs per SELECT 1 (ratio %.1f;"
                + " %d sequential calls each)%n", sharedMicros, selectMicros, sharedMicros / selectMicros, n);
    }
}
