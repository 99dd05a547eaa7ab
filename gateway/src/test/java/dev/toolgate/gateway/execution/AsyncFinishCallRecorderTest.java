package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.observability.AsyncFinishCallRecorder;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.JdbcCallRecorder;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Outcomes are written off the request thread, and never silently lost. */
@MicronautTest
class AsyncFinishCallRecorderTest {
    @Inject
    DataSource dataSource;

    private static CallRecord started(String tenant, String callId) {
        return CallRecord.builder().tenantId(tenant).callId(callId).agentId("a").keyId("k").sessionId("")
                .toolName("x.y").arguments("{}").startedAt(Instant.now()).build();
    }

    @Test
    void finish_isWrittenByTheBackgroundWriter() {
        String tenant = "async-" + UUID.randomUUID().toString().substring(0, 8);
        CallRows rows = new CallRows(dataSource);
        try (AsyncFinishCallRecorder recorder = new AsyncFinishCallRecorder(new JdbcCallRecorder(
                io.micronaut.data.connection.jdbc.advice.DelegatingDataSource.unwrapDataSource(dataSource), 1000), 100)) {
            for (int i = 0; i < 50; i++) {
                CallRecord r = started(tenant, "c-" + i);
                assertThat(recorder.start(r)).isTrue();
                recorder.finish(r.finish(CallRecord.Outcome.upstream(200, "{\"i\":" + i + "}"), Instant.now()));
            }
            assertThat(rows.calls(tenant)).hasSize(50).allSatisfy(r -> assertThat(r.get("status")).isEqualTo("SUCCEEDED"));
        }
    }

    @Test
    void storeDown_queueFull_callerGetsTheFailureInsteadOfALostOutcome() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=1");
        AsyncFinishCallRecorder recorder = new AsyncFinishCallRecorder(new JdbcCallRecorder(nowhere, 1000), 1);
        try {
            CallRecord done = started("t", "c").finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now());
            assertThatThrownBy(() -> recorder.start(started("t", "c"))).isInstanceOf(CallRecordException.class);
            recorder.finish(done); // queued: the writer keeps retrying it
            assertThatThrownBy(() -> {
                for (int i = 0; i < 5; i++) {
                    recorder.finish(done); // the queue holds one; the next caller writes itself and fails
                }
            }).isInstanceOf(CallRecordException.class);
        } finally {
            recorder.close(Duration.ofMillis(200));
        }
    }
}
