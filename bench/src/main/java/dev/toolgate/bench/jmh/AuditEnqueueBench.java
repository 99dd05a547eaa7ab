package dev.toolgate.bench.jmh;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.jdbc.BufferedCallRecorder;
import dev.toolgate.observability.jdbc.JdbcCallStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The audit enqueue on the request path: what a read-only call pays to hand its finished record
 * to the background writer ({@link BufferedCallRecorder#awaitRoom} then {@link BufferedCallRecorder#append},
 * as the call path does). The writer runs meanwhile, writing to an in-memory H2 store with the
 * gateway's own schema, so the enqueue competes with it as in the gateway.
 *
 * <p>Each iteration enqueues a fixed batch of records (single-shot timing, divided by the batch,
 * so the backlog stays bounded) and the writer drains it between iterations, outside the measurement. Baseline in the
 * same run: the same records added to a plain {@link LinkedBlockingQueue} that nothing drains (so
 * the baseline does not share the cores with a writer, as the measured enqueue does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AuditEnqueueBench.BATCH)
@Warmup(iterations = 10)
@Measurement(iterations = 20)
public class AuditEnqueueBench {
    /** Records per iteration (the recorder here holds four times as many, so it never waits for room). */
    static final int BATCH = 20_000;

    private static int databases;

    private JdbcDataSource h2;
    private BufferedCallRecorder recorder;
    private LinkedBlockingQueue<CallRecord> baselineQueue;
    private CallRecord[] records;
    /** Records per iteration; the smoke test uses fewer. */
    int batch = BATCH;
    private int iteration;

    @Setup(Level.Trial)
    public void setUp() {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:audit-bench-" + (++databases)
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        recorder = new BufferedCallRecorder(new JdbcCallStore(h2, 65_536), BATCH * 4, 32L << 20);
        baselineQueue = new LinkedBlockingQueue<>();
    }

    /** Fresh records (a call id executes once per tenant), built outside the measurement. */
    @Setup(Level.Iteration)
    public void newRecords() {
        Instant now = Instant.now();
        iteration++;
        records = new CallRecord[batch];
        for (int i = 0; i < records.length; i++) {
            records[i] = CallRecord.builder().tenantId("bench").callId("c-" + iteration + "-" + i).agentId("agent")
                    .keyId("key").sessionId("").toolName("echo.read").toolVersion(1)
                    .arguments("{\"id\":" + i + "}").startedAt(now).build()
                    .finish(CallRecord.Outcome.upstream(200, "{\"ok\":true}"), now);
        }
    }

    /** The writer empties the backlog between iterations, outside the measurement. */
    @TearDown(Level.Iteration)
    public void drain() {
        if (!recorder.flush(Duration.ofSeconds(60))) {
            throw new IllegalStateException("the audit writer did not drain " + recorder.backlog() + " records");
        }
        baselineQueue.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        recorder.close(Duration.ofSeconds(30));
    }

    @Benchmark
    public void enqueue(Blackhole bh) {
        for (CallRecord r : records) {
            bh.consume(recorder.awaitRoom(Duration.ofSeconds(1)));
            recorder.append(r);
        }
    }

    @Benchmark
    public void baselineQueueAdd(Blackhole bh) {
        for (CallRecord r : records) {
            bh.consume(baselineQueue.add(r));
        }
    }

    /** Rows in the store: the smoke test checks the enqueued records arrived. */
    long written() {
        try (Connection c = h2.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM tool_calls")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records given up by the writer: none, or the benchmark measured a failing store. */
    long dropped() {
        return recorder.dropped();
    }
}
