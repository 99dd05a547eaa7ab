package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayProcess;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestDatabase;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three real gateway processes on one PostgreSQL under a steady load of side-effecting calls, each
 * with its own call id, sent round-robin; a caller whose call fails retries the same call id on the
 * next instance, as a gRPC client with several addresses does. First one instance is killed with
 * {@code SIGKILL}, then all three are restarted one by one with {@code SIGTERM} (a rolling restart).
 * Nothing runs twice upstream, every call has exactly one call row, every call is answered or (only
 * those cut off by the kill) recorded as unknown ({@code RUNNING}, answered {@code ABORTED}); the
 * rolling restart costs no call that its retry does not fix. An outcome is written off the request
 * path (README, <i>Call records</i>), so a call the killed instance answered just before it died may
 * keep its {@code RUNNING} row, as after any crash; a call any other instance answered may not.
 */
class KillAndRollingRestartTest {
    private static final int CALLERS = 9;
    private static final int ATTEMPTS = 6;

    @Test
    void kill9AndRollingRestart_underLoad_loseAndDoubleNothing() throws Exception {
        Path policies = PolicyFiles.newDirectory("toolgate-restarts");
        PolicyFiles.write(policies, "_all", """
                rules:
                  - id: everything
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """);
        Map<String, String> env = Map.of("TOOLGATE_SHUTDOWN_DRAIN_DELAY", "1s", "TOOLGATE_DB_POOL_SIZE", "4");
        AtomicReferenceArray<Instance> instances = new AtomicReferenceArray<>(3);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try (TestUpstream upstream = TestUpstream.start().route("/cases",
                r -> new TestUpstream.Reply(201, "application/json", "{\"case_id\":\"C-1\"}", 150))) {
            for (int i = 0; i < 3; i++) {
                start(i, policies, env, instances);
            }
            TenantFixture fx = TenantFixture.create(instances.get(0).channel(), upstream.baseUrl());
            fx.createCaseTool("/cases", 10_000);

            Map<String, String> outcomes = new ConcurrentHashMap<>();
            Map<String, GatewayProcess> answeredBy = new ConcurrentHashMap<>();
            AtomicInteger finished = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean rolling = new AtomicBoolean();
            java.util.Set<String> startedWhileRolling = ConcurrentHashMap.newKeySet();
            List<Future<?>> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                callers.add(pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        String callId = "rr-" + caller + "-" + n;
                        if (rolling.get()) {
                            startedWhileRolling.add(callId);
                        }
                        outcomes.put(callId, call(instances, fx, callId, caller + n, answeredBy));
                        finished.incrementAndGet();
                    }
                    return null;
                }));
            }
            awaitMore(finished, 60);
            GatewayProcess killed = instances.get(0).gateway();
            killed.kill(); // SIGKILL under load
            awaitMore(finished, 60);
            rolling.set(true);
            start(0, policies, env, instances);
            for (int i = 0; i < 3; i++) { // the rolling restart: one at a time, each drained by SIGTERM
                awaitMore(finished, 30);
                instances.get(i).gateway().terminate();
                instances.get(i).gateway().awaitExit();
                start(i, policies, env, instances);
            }
            awaitMore(finished, 30);
            stop.set(true);
            for (Future<?> f : callers) {
                f.get(5, TimeUnit.MINUTES);
            }

            Map<String, Long> sent = upstream.exchangesTo("/cases").stream()
                    .map(e -> e.body().replaceAll(".*\"customer_id\":\"([^\"]+)\".*", "$1"))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            Map<String, Long> byOutcome = outcomes.values().stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            List<String> afterKillPhase = List.copyOf(startedWhileRolling);
            System.out.printf("kill -9 and rolling restart of 3 instances: %d calls; outcomes %s; during the rolling"
                    + " restart: %s%n", outcomes.size(), byOutcome, afterKillPhase.stream()
                    .collect(Collectors.groupingBy(outcomes::get, Collectors.counting())));

            assertThat(sent.values()).allMatch(n -> n == 1L); // nothing executed twice
            CallRows rows = new CallRows(TestDatabase.dataSource(TestDatabase.url()));
            Map<String, List<String>> stored = new java.util.HashMap<>();
            // calls() reads again while a row is RUNNING (up to 10 s): the live instances' writers catch up
            rows.calls(fx.tenant).forEach(r -> stored.computeIfAbsent(String.valueOf(r.get("call_id")),
                    k -> new ArrayList<>()).add(String.valueOf(r.get("status"))));
            List<String> lostByKill = new ArrayList<>();
            outcomes.forEach((callId, outcome) -> {
                if (outcome.equals("SUCCEEDED")) {
                    assertThat(sent).as(callId).containsEntry(callId, 1L);
                    if (answeredBy.get(callId) == killed && List.of("RUNNING").equals(stored.get(callId))) {
                        lostByKill.add(callId); // answered, then killed before its outcome was written
                    } else {
                        assertThat(stored.get(callId)).as(callId).contains("SUCCEEDED");
                    }
                } else { // cut off by the kill: recorded, and never run again
                    assertThat(outcome).as(callId).isEqualTo("UNKNOWN");
                    assertThat(stored.get(callId)).as(callId).contains("RUNNING");
                }
            });
            assertThat(sent.keySet()).allMatch(outcomes::containsKey);
            assertThat(byOutcome.getOrDefault("UNKNOWN", 0L)).isLessThanOrEqualTo(CALLERS);
            System.out.printf("answered by the killed instance, outcome not yet written: %s%n", lostByKill);
            // the writer is one batch window (10 ms) and a write behind; a caller reaches the killed instance
            // every third call (~450 ms): about one such call per caller, nine only if the writer stalled
            assertThat(lostByKill).hasSizeLessThanOrEqualTo(CALLERS);
            assertThat(afterKillPhase).allMatch(k -> outcomes.get(k).equals("SUCCEEDED")); // rolling: no failure
        } finally {
            pool.shutdownNow();
            for (int i = 0; i < 3; i++) {
                Instance instance = instances.get(i);
                if (instance != null) {
                    instance.channel().shutdownNow();
                    instance.gateway().close();
                }
            }
        }
    }

    /** One gateway process and the channel to it, replaced together on a restart. */
    private record Instance(GatewayProcess gateway, ManagedChannel channel) {}

    /**
     * Sends the call, retrying the same call id on the next instance; SUCCEEDED, UNKNOWN or the last
     * error. An answer's instance goes into {@code answeredBy}.
     */
    private static String call(AtomicReferenceArray<Instance> instances, TenantFixture fx, String callId, int first,
            Map<String, GatewayProcess> answeredBy) throws InterruptedException {
        String last = "none";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instance instance = instances.get((first + attempt) % 3);
            try {
                String status = Clients.tools(instance.channel(), fx.agentKey).withDeadlineAfter(60, TimeUnit.SECONDS)
                        .executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId(callId)
                                .setArgumentsJson("{\"customer_id\":\"" + callId
                                        + "\",\"summary\":\"s\",\"priority\":\"low\"}").build())
                        .getStatus().name().replace("CALL_STATUS_", "");
                answeredBy.put(callId, instance.gateway());
                return status;
            } catch (StatusRuntimeException e) {
                String reason = reason(e);
                if (reason.equals("CALL_IN_PROGRESS") || reason.equals("CALL_OUTCOME_UNKNOWN")) {
                    return "UNKNOWN"; // its first execution was on the killed instance
                }
                last = e.getStatus().getCode() + " " + reason;
                Thread.sleep(200);
            }
        }
        return last;
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
        if (status != null) {
            for (com.google.protobuf.Any detail : status.getDetailsList()) {
                if (detail.is(com.google.rpc.ErrorInfo.class)) {
                    try {
                        return detail.unpack(com.google.rpc.ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        return "";
                    }
                }
            }
        }
        return "";
    }

    private static void start(int i, Path policies, Map<String, String> env, AtomicReferenceArray<Instance> instances) {
        GatewayProcess gateway = GatewayProcess.start(policies, env);
        Instance old = instances.getAndSet(i, new Instance(gateway, gateway.channel()));
        if (old != null) {
            old.channel().shutdown();
        }
    }

    private static void awaitMore(AtomicInteger finished, int more) throws InterruptedException {
        int target = finished.get() + more;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (finished.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load stalled at " + finished.get() + " calls");
            }
            Thread.sleep(50);
        }
    }
}
