package dev.toolgate.gateway.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayProcess;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real gateway process receives {@code SIGTERM} while 16 callers keep sending side-effecting calls
 * (each with its own call id) to a slow upstream: {@code /ready} turns {@code 503 DRAINING} while calls are
 * still taken, then new calls are refused {@code UNAVAILABLE}, the calls in flight finish, and the
 * process exits 0. Every call is either answered (executed once upstream, its row {@code SUCCEEDED}) or
 * refused (never sent upstream): none lost, none doubled.
 */
class GracefulDrainTest {
    private static final int CALLERS = 16;

    @Test
    void sigtermUnderLoad_drainsWithoutLosingOrDoublingACall() throws Exception {
        Path policies = PolicyFiles.newDirectory("toolgate-drain");
        PolicyFiles.write(policies, "_all", """
                rules:
                  - id: everything
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """);
        try (TestUpstream upstream = TestUpstream.start().route("/cases",
                r -> new TestUpstream.Reply(201, "application/json", "{\"case_id\":\"C-1\"}", 400));
                GatewayProcess gateway = GatewayProcess.start(policies, Map.of(
                        "TOOLGATE_SHUTDOWN_DRAIN_DELAY", "2s", "TOOLGATE_SHUTDOWN_GRACE_PERIOD", "30s"))) {
            ManagedChannel channel = gateway.channel();
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 10_000);
            assertThat(gateway.management("/ready")).isEqualTo(Map.entry(200, "{\"status\":\"READY\"}"));
            assertThat(gateway.management("/live").getKey()).isEqualTo(200);

            Map<String, String> outcomes = new ConcurrentHashMap<>();
            AtomicInteger answered = new AtomicInteger();
            CountDownLatch loaded = new CountDownLatch(3 * CALLERS);
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            List<Future<?>> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                callers.add(pool.submit(() -> {
                    ToolServiceGrpc.ToolServiceBlockingStub stub = Clients.tools(channel, fx.agentKey);
                    for (int n = 0; ; n++) {
                        String callId = "drain-" + caller + "-" + n;
                        try {
                            CallStatus status = stub.executeTool(ExecuteToolRequest.newBuilder()
                                    .setTool("desk.create_case").setCallId(callId)
                                    .setArgumentsJson("{\"customer_id\":\"" + callId
                                            + "\",\"summary\":\"s\",\"priority\":\"low\"}").build()).getStatus();
                            outcomes.put(callId, status.name());
                            answered.incrementAndGet();
                            loaded.countDown();
                        } catch (StatusRuntimeException e) {
                            outcomes.put(callId, e.getStatus().getCode().name());
                            if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                                return; // refused: this caller would go to another instance now
                            }
                        }
                    }
                }));
            }
            assertThat(loaded.await(2, TimeUnit.MINUTES)).isTrue();
            List<String> readiness = new CopyOnWriteArrayList<>();
            Thread watcher = Thread.ofVirtual().start(() -> {
                while (gateway.isAlive()) {
                    readiness.add(gateway.management("/ready").getValue());
                }
            });
            int answeredBeforeSignal = answered.get();
            gateway.terminate();

            for (Future<?> f : callers) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran to the end
            int exit = gateway.awaitExit();
            gateway.output().forEach(l -> System.out.println("gateway> " + l));
            assertThat(exit).isEqualTo(143);
            assertThat(gateway.output()).anyMatch(l -> l.contains("draining: done"));
            watcher.join();
            channel.shutdownNow();

            Map<String, Long> sentUpstream = upstream.exchangesTo("/cases").stream()
                    .map(e -> e.body().replaceAll(".*\"customer_id\":\"([^\"]+)\".*", "$1"))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            Map<String, List<String>> byOutcome = outcomes.entrySet().stream().collect(Collectors.groupingBy(
                    Map.Entry::getValue, Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
            System.out.printf("drain under load: %d calls answered before SIGTERM, %d in all; outcomes %s;"
                    + " readiness seen while stopping: %s%n", answeredBeforeSignal, answered.get(),
                    byOutcome.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().size())),
                    readiness.stream().distinct().toList());

            assertThat(byOutcome.keySet()).containsOnly("CALL_STATUS_SUCCEEDED", "UNAVAILABLE");
            assertThat(byOutcome.get("UNAVAILABLE")).hasSize(CALLERS); // each caller stopped at its first refusal
            assertThat(answered.get()).isGreaterThan(answeredBeforeSignal); // calls went on while draining
            assertThat(readiness).contains("{\"status\":\"DRAINING\"}");
            assertThat(sentUpstream.values()).allMatch(n -> n == 1L); // nothing doubled
            assertThat(sentUpstream.keySet()).containsExactlyInAnyOrderElementsOf(byOutcome.get("CALL_STATUS_SUCCEEDED"));
            CallRows rows = new CallRows(TestDatabase.dataSource(TestDatabase.url()));
            Map<String, String> stored = rows.calls(fx.tenant).stream().collect(Collectors.toMap(
                    r -> String.valueOf(r.get("call_id")), r -> String.valueOf(r.get("status"))));
            assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(byOutcome.get("CALL_STATUS_SUCCEEDED"));
            assertThat(stored.values()).containsOnly("SUCCEEDED"); // every answered call has its row: none lost
        }
    }
}
