package dev.toolgate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.RecorderStats;
import dev.toolgate.observability.testing.TcpProxy;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The database goes away in the middle of a load of read-only and side-effecting calls, then
 * comes back: reads keep running while the audit buffer has room, writes are refused, and once
 * the database is back every call that reached the upstream has its audit row.
 */
class DatabaseOutageUnderLoadTest {
    private static final String CASE = "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}";
    private static final int BUFFER = 200;

    /** What callers saw in one phase: the call ids answered, and the outcomes (OK or the error reason). */
    private record Outcomes(Set<String> answered, Map<String, Integer> reasons) {
    }

    /** One call: its outcome, call id when answered, and when it ran. */
    private record Attempt(String outcome, String callId, long start, long end) {
    }

    @Test
    void databaseStoppedMidLoad_everyExecutedCallHasItsRow_andSideEffectsWereRefusedWhileItWasAway()
            throws Exception {
        try (TcpProxy db = TcpProxy.start(TestDatabase.host(), TestDatabase.port());
             TestUpstream upstream = TestUpstream.start()
                     .route("/items/", r -> Reply.json(200, "{\"item\":\"x\"}"))
                     .route("/cases", r -> Reply.json(201, "{\"id\":\"case\"}"));
             ApplicationContext ctx = ApplicationContext.run(Map.of(
                     "grpc.server.port", 0,
                     "datasources.default.url", TestDatabase.urlVia(db.port(), "connectTimeout=2&socketTimeout=10"),
                     "datasources.default.connection-timeout", 1000,
                     "toolgate.calls.buffer-records", BUFFER,
                     // keys, secrets and the catalog stay cached: this test is about the call records
                     "toolgate.auth.cache-ttl", "10m", "toolgate.secrets.cache-ttl", "10m"), "test")) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
                    ctx.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
            try {
                TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
                fx.createCaseTool("/cases", 5_000);
                fx.lookupTool("lookup");
                ToolServiceGrpc.ToolServiceBlockingStub tools = fx.agent();
                tools.executeTool(read(0)); // warm: key, secret and catalog cached
                tools.executeTool(write());

                java.util.Queue<Attempt> attempts = new java.util.concurrent.ConcurrentLinkedQueue<>();
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService callers = Executors.newFixedThreadPool(4);
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int caller = c;
                    running.add(callers.submit(() -> {
                        int i = 0;
                        while (!stop.get()) {
                            i++;
                            // callers 0-1 read (one with its own call ids), 2-3 write
                            ExecuteToolRequest request = caller < 2 ? read(caller == 1 ? i : 0) : write();
                            String kind = caller < 2 ? "read" : "write";
                            long start = System.nanoTime();
                            try {
                                ExecuteToolResponse r = tools.withDeadlineAfter(5, TimeUnit.SECONDS).executeTool(request);
                                attempts.add(new Attempt(kind + ":OK", r.getCallId(), start, System.nanoTime()));
                            } catch (StatusRuntimeException e) {
                                attempts.add(new Attempt(kind + ":" + Clients.errorInfo(e).getReason(), "", start,
                                        System.nanoTime()));
                            }
                            Thread.sleep(5); // a few hundred calls a second: the buffer fills within the outage
                        }
                        return null;
                    }));
                }
                Thread.sleep(500);
                RecorderStats recorder = ctx.getBean(RecorderStats.class);
                CallRecorder calls = ctx.getBean(CallRecorder.class);
                db.down();
                long downAt = System.nanoTime(); // calls that began while connections were being cut straddle
                waitUntil(() -> !calls.hasRoom(), "the audit buffer fills while the database is away");
                Thread.sleep(300);
                db.up();
                long upAt = System.nanoTime();
                // the load goes on, so the backlog is seldom empty: what matters is that what waited got written
                waitUntil(() -> recorder.storeAvailable() && recorder.awaitWritten(Duration.ofSeconds(1)),
                        "the backlog is written");
                Thread.sleep(500);
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(30, TimeUnit.SECONDS);
                }
                callers.shutdown();

                assertThat(recorder.flush(Duration.ofSeconds(30))).as("backlog written once the database is back")
                        .isTrue();

                // phases by when each call ran: calls that straddle the stop or the start are left out
                Map<String, Outcomes> byPhase = new HashMap<>();
                for (Attempt a : attempts) {
                    String phase = a.end() < downAt ? "before" : a.start() > downAt && a.end() < upAt ? "down"
                            : a.start() > upAt ? "back" : "straddling";
                    Outcomes o = byPhase.computeIfAbsent(phase, p -> new Outcomes(new java.util.HashSet<>(),
                            new HashMap<>()));
                    if (!a.callId().isEmpty()) {
                        o.answered().add(a.callId());
                    }
                    o.reasons().merge(a.outcome(), 1, Integer::sum);
                }

                Outcomes down = byPhase.get("down");
                // while away: writes refused (no start row, nothing sent), reads ran until the buffer was full
                assertThat(down.reasons()).containsKey("write:CALL_RECORD_UNAVAILABLE").containsKey("read:OK")
                        .containsKey("read:AUDIT_BACKLOG_FULL").doesNotContainKey("write:OK");
                assertThat(byPhase.get("back").reasons()).containsKey("read:OK").containsKey("write:OK");

                // every call that reached the upstream has its row, and every answered call id is in the table
                List<Map<String, Object>> rows = new CallRows(ctx.getBean(DataSource.class)).calls(fx.tenant);
                System.out.println("rows by tool and status: " + rows.stream().collect(Collectors.groupingBy(
                        r -> r.get("tool_name") + "/" + r.get("status") + "/" + r.get("upstream_status"),
                        Collectors.counting())));
                // a start row whose insert lost its answer is settled by the call's refusal, never left RUNNING
                assertThat(rows).noneMatch(r -> "RUNNING".equals(r.get("status")));
                Map<String, Long> executedRows = rows.stream()
                        .filter(r -> "SUCCEEDED".equals(r.get("status")))
                        .collect(Collectors.groupingBy(r -> (String) r.get("tool_name"), Collectors.counting()));
                assertThat(executedRows.get("desk.lookup")).isEqualTo(upstream.exchangesTo("/items/").size());
                assertThat(executedRows.get("desk.create_case")).isEqualTo(upstream.exchangesTo("/cases").size());
                Set<String> rowIds = rows.stream().map(r -> (String) r.get("call_id")).collect(Collectors.toSet());
                byPhase.values().forEach(o -> assertThat(rowIds).containsAll(o.answered()));

                Map<String, Integer> summary = new HashMap<>();
                byPhase.forEach((p, o) -> o.reasons().forEach((k, v) -> summary.put(p + " " + k, v)));
                System.out.printf("outage under load: %s; rows SUCCEEDED %s; upstream GET %d POST %d; dropped %d%n",
                        summary, executedRows, upstream.exchangesTo("/items/").size(),
                        upstream.exchangesTo("/cases").size(), recorder.dropped());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static ExecuteToolRequest read(int callNumber) {
        ExecuteToolRequest.Builder b = ExecuteToolRequest.newBuilder().setTool("desk.lookup")
                .setArgumentsJson("{\"item_id\":\"i-1\"}");
        if (callNumber > 0) {
            b.setCallId("read-" + java.util.UUID.randomUUID());
        }
        return b.build();
    }

    private static ExecuteToolRequest write() {
        return ExecuteToolRequest.newBuilder().setTool("desk.create_case").setArgumentsJson(CASE).build();
    }
}
