package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallBurst;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolCallRequest;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three gateway instances on one PostgreSQL with one policy directory: a call id executes once
 * whichever instances receive it, a call held on one is approved on another, and a rate limit of
 * 100 a minute holds for the three together. Overshoot and cost are printed, not asserted.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeInstancesTest implements TestPropertyProvider {
    private static final int LIMIT_PER_MINUTE = 100;
    private final Path policies = PolicyFiles.newDirectory("toolgate-three-instances");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channelA;

    private final List<ApplicationContext> others = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private TestUpstream upstream;
    private TenantFixture fx;

    @Override
    public Map<String, String> getProperties() {
        PolicyFiles.write(policies, "_all", """
                rules:
                  - id: approvals-for-interns
                    effect: allow
                    tools: ["desk.create_case"]
                    agents: ["intern"]
                    confirm: true
                  - id: everything-else
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                rate_limits:
                  - id: items-per-tenant
                    limit: %d/min
                    per: tenant
                    tools: ["desk.get_item"]
                """.formatted(LIMIT_PER_MINUTE));
        return Map.of("toolgate.policy.dir", policies.toString());
    }

    @BeforeAll
    void startInstancesBAndC() throws Exception {
        channels.add(channelA);
        for (int i = 0; i < 2; i++) {
            ApplicationContext ctx = ApplicationContext.run(Map.of("grpc.server.port", 0,
                    "toolgate.policy.dir", policies.toString()), "test");
            others.add(ctx);
            channels.add(Grpc.newChannelBuilderForAddress("127.0.0.1", ctx.getBean(GrpcEmbeddedServer.class).getPort(),
                    InsecureChannelCredentials.create()).build());
        }
        upstream = TestUpstream.start()
                .route("/cases", r -> new TestUpstream.Reply(201, "application/json", "{\"case_id\":\"C-1\"}", 300))
                .route("/items", r -> TestUpstream.Reply.json(200, "{\"ok\":true}"));
        fx = TenantFixture.create(channelA, upstream.baseUrl());
        fx.createCaseTool("/cases", 10_000);
        fx.lookupTool("get_item");
    }

    @AfterAll
    void stopInstances() {
        channels.subList(1, channels.size()).forEach(ManagedChannel::shutdownNow);
        others.forEach(ApplicationContext::close);
        upstream.close();
    }

    @Test
    void sameCallId_sentToThreeInstancesAtOnce_executesOnce() throws Exception {
        String args = "{\"customer_id\":\"c-1\",\"summary\":\"printer\",\"priority\":\"low\"}";
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (ManagedChannel channel : channels) {
                outcomes.add(pool.submit(() -> outcome(() -> Clients.tools(channel, fx.agentKey).executeTool(
                        ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId("once-1")
                                .setArgumentsJson(args).build()))));
            }
            List<String> seen = new ArrayList<>();
            for (Future<String> f : outcomes) {
                seen.add(f.get(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            System.out.println("same call id on three instances at once: " + seen);
        } finally {
            pool.shutdownNow();
        }
        for (ManagedChannel channel : channels) { // afterwards every instance replays the one outcome
            Eventually.until(() -> assertThat(Clients.tools(channel, fx.agentKey).executeTool(ExecuteToolRequest
                    .newBuilder().setTool("desk.create_case").setCallId("once-1").setArgumentsJson(args).build())
                    .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED));
        }
        assertThat(upstream.exchangesTo("/cases")).filteredOn(e -> e.body().contains("printer")).hasSize(1);
    }

    @Test
    void callHeldThroughA_isApprovedThroughB_andRunsOnce() {
        ToolServiceGrpc.ToolServiceBlockingStub internViaA = Clients.tools(channelA, fx.key("intern", "tools:call"));
        ExecuteToolResponse held = internViaA.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setCallId("held-1").setArgumentsJson("{\"customer_id\":\"c-2\",\"summary\":\"fax\",\"priority\":\"high\"}")
                .build());
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        int before = upstream.exchangesTo("/cases").size();

        ToolServiceGrpc.ToolServiceBlockingStub leadViaB = Clients.tools(channels.get(1), fx.key("lead", "tools:confirm"));
        ToolCall approved = leadViaB.confirmToolCall(ConfirmToolCallRequest.newBuilder().setCallId("held-1")
                .setApprove(true).setReason("fine").build());

        assertThat(approved.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/cases")).hasSize(before + 1);
        Eventually.until(() -> assertThat(internViaA.getToolCall(GetToolCallRequest.newBuilder().setCallId("held-1")
                .build()).getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED)); // B's record is written in its batch
    }

    @Test
    void rateLimitOf100AMinute_holdsForTheThreeInstancesTogether() throws Exception {
        int callers = 30;
        int callsEach = 12; // 360 calls over the three instances
        CallBurst burst = CallBurst.run(callers, callsEach,
                c -> Clients.tools(channels.get(c % channels.size()), fx.agentKey),
                ExecuteToolRequest.newBuilder().setTool("desk.get_item").setArgumentsJson("{\"item_id\":\"i\"}").build());
        double seconds = burst.seconds();
        long refilled = (long) Math.ceil(seconds * LIMIT_PER_MINUTE / 60.0);
        System.out.printf("rate limit %d/min over 3 instances: %d of %d calls allowed in %.2f s (refill in that time:"
                + " %d); overshoot beyond limit + refill: %d; refused: %s%n", LIMIT_PER_MINUTE, burst.allowed(),
                callers * callsEach, seconds, refilled, burst.allowed() - LIMIT_PER_MINUTE - refilled, burst.refused());
        assertThat(burst.refused().keySet()).containsOnly(Status.Code.RESOURCE_EXHAUSTED.name());
        assertThat(burst.allowed()).isBetween(LIMIT_PER_MINUTE, (int) (LIMIT_PER_MINUTE + refilled));
    }

    private static String outcome(java.util.concurrent.Callable<ExecuteToolResponse> call) {
        try {
            return call.call().getStatus().name();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
