package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Two instances' leases on one PostgreSQL: a periodic job runs on one of them per interval. */
@MicronautTest
class JobLeasesTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Inject
    DataSource dataSource;

    private final String job = "job-" + UUID.randomUUID();
    private final AtomicInteger runs = new AtomicInteger();

    private JobLeases instance(String name, Instant at) {
        return new JobLeases(dataSource, Clock.fixed(at, ZoneOffset.UTC), name);
    }

    @Test
    void twoInstancesInOneInterval_runTheJobOnce() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(instance("a", t0).runOnce(job, MINUTE, runs::incrementAndGet)).isTrue();
        assertThat(instance("b", t0.plusSeconds(30)).runOnce(job, MINUTE, runs::incrementAndGet)).isFalse();
        assertThat(instance("a", t0.plusSeconds(40)).runOnce(job, MINUTE, runs::incrementAndGet)).isFalse();
        assertThat(runs).hasValue(1);
    }

    @Test
    void afterTheLeaseExpires_anotherInstanceRunsTheJob() {
        Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(instance("a", t0).runOnce(job, MINUTE, runs::incrementAndGet)).isTrue();
        assertThat(instance("b", t0.plusSeconds(54)).runOnce(job, MINUTE, runs::incrementAndGet)).isTrue();
        assertThat(instance("a", t0.plusSeconds(60)).runOnce(job, MINUTE, runs::incrementAndGet)).isFalse();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aLeaseWrittenByAClockFarAhead_isTaken() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        assertThat(instance("ahead", now.plus(Duration.ofDays(3))).take(job, MINUTE)).isTrue();
        assertThat(instance("b", now).runOnce(job, MINUTE, runs::incrementAndGet)).isTrue();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aZeroInterval_isRefusedNamingIt() {
        assertThatThrownBy(() -> instance("a", Instant.EPOCH).take(job, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }

    @Test
    void anUnreachableDatabase_skipsTheRun() {
        org.postgresql.ds.PGSimpleDataSource nowhere = new org.postgresql.ds.PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:9/none?connectTimeout=1");
        JobLeases leases = new JobLeases(nowhere, Clock.systemUTC(), "a");
        assertThat(leases.runOnce(job, MINUTE, runs::incrementAndGet)).isFalse();
        assertThat(runs).hasValue(0);
    }
}
