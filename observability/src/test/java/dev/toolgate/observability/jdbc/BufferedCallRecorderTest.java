package dev.toolgate.observability.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.testing.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Records are written off the request thread, buffered while the database is away, and never silently lost.
 * Runs against PostgreSQL ({@link TestStore}); a {@link TcpProxy} in front of it takes the database away.
 */
class BufferedCallRecorderTest {
    private final DataSource dataSource = TestStore.dataSource();

    private static CallRecord started(String tenant, String callId) {
        return CallRecord.builder().tenantId(tenant).callId(callId).agentId("a").keyId("k").sessionId("")
                .toolName("x.y").arguments("{}").startedAt(Instant.now()).build();
    }

    private static CallRecord done(String tenant, String callId) {
        return started(tenant, callId).finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now());
    }

    private static String tenant() {
        return "buf-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private JdbcCallStore store(DataSource ds) {
        return new JdbcCallStore(ds, 1000);
    }

    private static DataSource through(TcpProxy proxy) {
        return TestStore.viaProxy(proxy.port(), "connectTimeout=2&socketTimeout=2");
    }

    /** A pool of one connection through the proxy, opened at once (so it exists before a mute). */
    private static com.zaxxer.hikari.HikariDataSource onePooledConnection(TcpProxy proxy) {
        com.zaxxer.hikari.HikariConfig c = new com.zaxxer.hikari.HikariConfig();
        c.setDataSource(through(proxy));
        c.setMaximumPoolSize(1);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(3_000);
        return new com.zaxxer.hikari.HikariDataSource(c);
    }

    @Test
    void finishAndAppend_areWrittenByTheBackgroundWriter() {
        String tenant = tenant();
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(
                store(dataSource), 100, 1_000_000)) {
            for (int i = 0; i < 50; i++) {
                CallRecord r = started(tenant, "c-" + i);
                assertThat(recorder.start(r)).isTrue();
                recorder.finish(r.finish(CallRecord.Outcome.upstream(200, "{\"i\":" + i + "}"), Instant.now()));
                recorder.append(done(tenant, "read-" + i));
            }
            assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(TestStore.calls(tenant)).hasSize(100)
                    .allSatisfy(r -> assertThat(r.get("status")).isEqualTo("SUCCEEDED"));
            assertThat(recorder.dropped()).isZero();
        }
    }

    @Test
    void writerInterrupted_laterRecordsAreStillWritten_notQueuedForAWriterThatIsGone() throws Exception {
        String tenant = tenant();
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(
                store(dataSource), 100, 1_000_000)) {
            Thread writer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("call-record-writer") && !before.contains(t))
                    .findFirst().orElseThrow();
            writer.interrupt();
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();

            recorder.append(done(tenant, "after-writer"));

            assertThat(TestStore.calls(tenant)).singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("call_id", "after-writer"));
            assertThat(recorder.backlog()).isZero();
        }
    }

    @Test
    void databaseAway_startRowsRefusedAtOnce_finishedRecordsBufferedToTheLimit_thenAllWritten() {
        String tenant = tenant();
        try (TcpProxy proxy = TcpProxy.start(TestStore.host(), TestStore.port());
             BufferedCallRecorder recorder = new BufferedCallRecorder(store(through(proxy)), 3, 1_000_000)) {
            CallRecord running = started(tenant, "side-effect-1");
            assertThat(recorder.start(running)).isTrue();
            proxy.down();

            CallRecord unsure = started(tenant, "side-effect-2");
            assertThatThrownBy(() -> recorder.start(unsure)).isInstanceOf(CallRecordException.class);
            assertThat(recorder.storeAvailable()).isFalse();
            // its refusal settles the start row, had the insert reached the database after all
            assertThat(recorder.start(unsure.finish(CallRecord.Outcome.failed(
                    dev.toolgate.observability.CallStatus.FAILED, "not executed"), Instant.now()))).isTrue();
            assertThatThrownBy(() -> recorder.start(started(tenant, "side-effect-3")))
                    .isInstanceOf(CallRecordException.class); // refused while the store is known to be away

            recorder.finish(running.finish(CallRecord.Outcome.upstream(201, "{}"), Instant.now()));
            recorder.append(done(tenant, "read-1"));
            assertThat(recorder.hasRoom()).isFalse(); // three wait: new calls must be refused
            // nothing can drain: it answers at once (were it to wait for the time it is given, this would hang)
            assertThat(recorder.awaitRoom(Duration.ofDays(1))).isFalse();
            recorder.append(done(tenant, "read-2")); // calls that were already running still get their records
            recorder.append(done(tenant, "read-3"));
            assertThat(recorder.backlog()).isEqualTo(5);
            assertThat(recorder.start(running.finish(CallRecord.Outcome.refused(
                    dev.toolgate.observability.CallStatus.DENIED, "no"), Instant.now()))).isTrue();
            assertThat(recorder.dropped()).isEqualTo(1); // a refusal past the limit is counted, not buffered

            proxy.up();
            assertThat(recorder.flush(Duration.ofSeconds(15))).isTrue();
            assertThat(recorder.storeAvailable()).isTrue();
            assertThat(TestStore.calls(tenant)).extracting(r -> r.get("call_id") + "=" + r.get("status"))
                    .containsExactlyInAnyOrder("side-effect-1=SUCCEEDED", "side-effect-2=FAILED", "read-1=SUCCEEDED",
                            "read-2=SUCCEEDED", "read-3=SUCCEEDED");
            assertThat(recorder.hasRoom()).isTrue();
        }
    }

    @Test
    void aRecordTheDatabaseRejects_isDroppedAlone_andTheRestOfItsBatchIsWritten() {
        String tenant = tenant();
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(
                store(dataSource), 100, 1_000_000)) {
            CallRecord tooLong = CallRecord.builder().tenantId(tenant).callId("bad").agentId("a".repeat(500)).keyId("k")
                    .sessionId("").toolName("x.y").arguments("{}").startedAt(Instant.now()).build()
                    .finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now());
            recorder.append(done(tenant, "good-1"));
            recorder.append(tooLong);
            recorder.append(done(tenant, "good-2"));
            assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(TestStore.calls(tenant)).extracting(r -> r.get("call_id")).containsExactlyInAnyOrder("good-1", "good-2");
            assertThat(recorder.dropped()).isEqualTo(1);
        }
    }

    @Test
    void stoppedWhileTheDatabaseIsAway_countsWhatWasNotWritten() {
        try (TcpProxy proxy = TcpProxy.start(TestStore.host(), TestStore.port())) {
            BufferedCallRecorder recorder = new BufferedCallRecorder(store(through(proxy)), 10, 1_000_000);
            proxy.down();
            recorder.append(done("t", "a"));
            recorder.append(done("t", "b"));
            recorder.close(Duration.ofSeconds(5));
            assertThat(recorder.dropped()).isEqualTo(2);
            assertThat(recorder.backlog()).isZero();
        }
    }

    @Test
    void aStartRowWhoseAnswerWasLost_isSettledByTheCallsRefusal_notLeftRunning() {
        String tenant = tenant();
        try (TcpProxy proxy = TcpProxy.start(TestStore.host(), TestStore.port());
             com.zaxxer.hikari.HikariDataSource pool = onePooledConnection(proxy);
             BufferedCallRecorder recorder = new BufferedCallRecorder(store(pool), 10, 1_000_000)) {
            assertThat(recorder.start(done(tenant, "warm-up"))).isTrue(); // the connection is open before the mute
            CallRecord started = started(tenant, "answer-lost");
            proxy.mute(); // the insert reaches the database and commits; its answer never comes back
            assertThatThrownBy(() -> recorder.start(started)).isInstanceOf(CallRecordException.class);
            assertThat(TestStore.query("SELECT status FROM tool_calls WHERE tenant_id = ? AND call_id = ?", tenant,
                    "answer-lost")).singleElement().satisfies(r -> assertThat(r.get("status")).isEqualTo("RUNNING"));

            proxy.unmute();
            recorder.start(started.finish(CallRecord.Outcome.failed(dev.toolgate.observability.CallStatus.FAILED,
                    "not executed: the call store did not answer"), Instant.now()));
            assertThat(recorder.flush(Duration.ofSeconds(15))).isTrue();

            assertThat(TestStore.query("SELECT status, execution_key FROM tool_calls WHERE tenant_id = ? AND call_id = ?",
                    tenant, "answer-lost"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("status")).isEqualTo("FAILED");
                        assertThat(r.get("execution_key")).isNull();
                    });
        }
    }

    @Test
    void aWriterThatIsBehind_makesCallersWaitForRoom_notRefused() throws Exception {
        String tenant = tenant();
        DataSource direct = dataSource;
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(store(direct), 1, 1_000_000);
             java.sql.Connection locker = direct.getConnection()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE tool_calls IN EXCLUSIVE MODE"); // the writer's insert waits
            recorder.append(done(tenant, "slow-1"));
            assertThat(recorder.hasRoom()).isFalse();
            assertThat(recorder.awaitRoom(Duration.ofMillis(200))).isFalse(); // the caller's time ran out
            assertThat(recorder.storeAvailable()).isTrue();

            java.util.concurrent.CompletableFuture<Boolean> waiting = new java.util.concurrent.CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> waiting.complete(recorder.awaitRoom(Duration.ofDays(1))));
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a hang guard, not a timing
            while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < giveUp) {
                Thread.onSpinWait();
            }
            assertThat(waiter.getState()).as("the caller is parked waiting for room").isEqualTo(Thread.State.TIMED_WAITING);
            assertThat(waiting).isNotDone();
            locker.commit(); // the writer gets through
            assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(TestStore.calls(tenant)).extracting(r -> r.get("call_id"))
                    .containsExactly("slow-1");
        }
    }

    /** The store, counting its {@code writeAll} transactions. */
    private static dev.toolgate.observability.CallStore counting(dev.toolgate.observability.CallStore store,
            java.util.concurrent.atomic.AtomicInteger writes) {
        return (dev.toolgate.observability.CallStore) java.lang.reflect.Proxy.newProxyInstance(
                BufferedCallRecorderTest.class.getClassLoader(),
                new Class<?>[] {dev.toolgate.observability.CallStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("writeAll")) {
                        writes.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void recordsOfOneBatchWindow_areWrittenInOneTransaction_andClosingWritesThemAtOnce() {
        String tenant = tenant();
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        // a window far longer than the test: only close() can end it
        BufferedCallRecorder recorder = new BufferedCallRecorder(counting(store(dataSource), writes), 1_000,
                10_000_000, Duration.ofMinutes(5));
        for (int i = 0; i < 85; i++) { // 64 + 16 + 4 + 1 rows: every multi-row statement size
            recorder.append(done(tenant, "w-" + i));
        }
        recorder.close(Duration.ofSeconds(30));

        assertThat(TestStore.calls(tenant)).hasSize(85);
        assertThat(writes.get()).isEqualTo(1);
        assertThat(recorder.backlog()).isZero();
        assertThat(recorder.dropped()).isZero();
    }

    @Test
    void awaitWritten_returnsOnceTheOutcomesQueuedBeforeItAreStored_withoutWaitingOutTheWindow() {
        String tenant = tenant();
        // a window far longer than the test: only a waiting reader (or close) can end it
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(store(dataSource), 1_000, 10_000_000,
                Duration.ofMinutes(5))) {
            CallRecord r = started(tenant, "rw-1");
            assertThat(recorder.start(r)).isTrue();
            recorder.finish(r.finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now()));
            recorder.append(done(tenant, "rw-2"));

            assertThat(recorder.awaitWritten(Duration.ofSeconds(30))).isTrue();
            assertThat(TestStore.calls(tenant)).hasSize(2)
                    .allSatisfy(row -> assertThat(row.get("status")).isEqualTo("SUCCEEDED"));
            assertThat(recorder.awaitWritten(Duration.ZERO)).isTrue(); // nothing queued since
        }
    }

    @Test
    void awaitWritten_whileTheStoreIsAway_returnsAtOnceWithFalse() throws Exception {
        String tenant = tenant();
        try (TcpProxy proxy = TcpProxy.start(TestStore.host(), TestStore.port());
                BufferedCallRecorder recorder = new BufferedCallRecorder(store(through(proxy)), 1_000, 10_000_000,
                        Duration.ZERO)) {
            proxy.down();
            recorder.append(done(tenant, "away-1"));
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a hang guard, not a timing
            while (recorder.storeAvailable() && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            assertThat(recorder.storeAvailable()).isFalse();
            long before = System.nanoTime();
            assertThat(recorder.awaitWritten(Duration.ofDays(1))).isFalse(); // not a day: at once
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void aFullBatch_isWrittenWithoutWaitingOutTheWindow() throws Exception {
        String tenant = tenant();
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        try (BufferedCallRecorder recorder = new BufferedCallRecorder(counting(store(dataSource), writes), 1_000,
                10_000_000, Duration.ofMinutes(5))) {
            for (int i = 0; i < 300; i++) {
                recorder.append(done(tenant, "f-" + i));
            }
            long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a hang guard, not a timing
            while (TestStore.calls(tenant).size() < 256 && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            assertThat(TestStore.calls(tenant)).hasSizeGreaterThanOrEqualTo(256); // the window (5 min) did not end
        }
        assertThat(TestStore.calls(tenant)).hasSize(300);
    }

    @Test
    void aRejectedRowInAMultiRowInsert_isDroppedAlone_andTheOthersAreWritten() {
        String tenant = tenant();
        BufferedCallRecorder recorder = new BufferedCallRecorder(store(dataSource), 1_000, 10_000_000,
                Duration.ofMinutes(5));
        for (int i = 0; i < 70; i++) {
            recorder.append(done(tenant, "m-" + i));
            if (i == 30) { // inside the 64-row statement
                recorder.append(CallRecord.builder().tenantId(tenant).callId("bad").agentId("a".repeat(500))
                        .keyId("k").sessionId("").toolName("x.y").arguments("{}").startedAt(Instant.now()).build()
                        .finish(CallRecord.Outcome.upstream(200, "{}"), Instant.now()));
            }
        }
        recorder.close(Duration.ofSeconds(30));

        assertThat(TestStore.calls(tenant)).hasSize(70).extracting(r -> r.get("call_id")).doesNotContain("bad");
        assertThat(recorder.dropped()).isEqualTo(1);
    }

    @Test
    void aBatchWrittenTwice_insertsEachRowOnce() {
        String tenant = tenant();
        JdbcCallStore store = store(dataSource);
        java.util.List<dev.toolgate.observability.CallStore.Insert> inserts = new java.util.ArrayList<>();
        for (int i = 0; i < 85; i++) {
            inserts.add(new dev.toolgate.observability.CallStore.Insert(UUID.randomUUID().toString(),
                    done(tenant, "twice-" + i)));
        }
        store.writeAll(inserts, java.util.List.of(), java.util.List.of(), java.util.List.of());
        store.writeAll(inserts, java.util.List.of(), java.util.List.of(), java.util.List.of()); // its answer was lost

        assertThat(TestStore.calls(tenant)).hasSize(85);
    }

    @Test
    void batchWindow_negative_isRefused() {
        assertThatThrownBy(() -> new BufferedCallRecorder(store(dataSource), 1, 1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchWindow");
    }

    @Test
    void rowIds_areVersion7Uuids_inTheOrderTheyWereMade() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(BufferedCallRecorder.newRowId());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids).allSatisfy(id -> assertThat(UUID.fromString(id).version()).isEqualTo(7));
    }
}
