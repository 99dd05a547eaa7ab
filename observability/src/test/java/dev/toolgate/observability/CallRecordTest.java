package dev.toolgate.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallRecordTest {
    private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

    private static CallRecord.Builder valid() {
        return CallRecord.builder().tenantId("acme").callId("c1").toolName("desk.create").startedAt(T0);
    }

    @Test
    void build_isRunningWithNoFinish() {
        CallRecord r = valid().build();
        assertThat(r.status()).isEqualTo(CallStatus.RUNNING);
        assertThat(r.finishedAt()).isEmpty();
        assertThat(r.duration()).isZero();
    }

    @Test
    void finish_upstream4xx_isUpstreamErrorWithDuration() {
        CallRecord r = valid().build().finish(CallRecord.Outcome.upstream(404, "{}"), T0.plusMillis(250));
        assertThat(r.status()).isEqualTo(CallStatus.UPSTREAM_ERROR);
        assertThat(r.isError()).isTrue();
        assertThat(r.duration()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void finish_beforeStart_isRejectedWithBothTimes() {
        assertThatThrownBy(() -> valid().build().finish(CallRecord.Outcome.upstream(200, "{}"), T0.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before startedAt");
    }

    @Test
    void builder_missingTenant_throwsNamingIt() {
        assertThatThrownBy(() -> CallRecord.builder().callId("c").toolName("t").startedAt(T0).build())
                .isInstanceOf(NullPointerException.class).hasMessage("tenantId");
    }

    @Test
    void builder_nullArgument_throwsNamingIt() {
        assertThatThrownBy(() -> valid().sessionId(null)).isInstanceOf(NullPointerException.class).hasMessage("sessionId");
    }

    @Test
    void outcome_refusedWithNonRefusalStatus_isRejected() {
        assertThatThrownBy(() -> CallRecord.Outcome.refused(CallStatus.SUCCEEDED, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUCCEEDED");
    }

    @Test
    void outcome_running_isRejected() {
        assertThatThrownBy(() -> CallRecord.Outcome.failed(CallStatus.RUNNING, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recorder_tinyCap_isRejected() {
        assertThatThrownBy(() -> new dev.toolgate.observability.jdbc.JdbcCallStore(new org.postgresql.ds.PGSimpleDataSource(), 10))
                .hasMessageContaining("was 10");
    }
}
