package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call id executes once per tenant, however often and however concurrently it is sent, and
 * on whichever instance: repeats get the first execution's stored outcome.
 */
@MicronautTest
class ExactlyOnceTest {
    private static final String CASE = "{\"customer_id\":\"acme\",\"summary\":\"Printer on fire\",\"priority\":\"high\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    private final AtomicInteger created = new AtomicInteger();
    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub tools;

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        // every execution answers a new case number: two executions could never look alike
        upstream = gateway.upstream()
                .route("/cases", r -> new Reply(201, "application/json",
                        "{\"case_id\":\"C-" + created.incrementAndGet() + "\"}", 300))
                .route("/slow", r -> new Reply(200, "application/json", "{}", 3_000));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        tools = fx.agent();
    }

    @Test
    void fiftyConcurrentRequestsWithOneCallIdExecuteOnceAndAllGetTheSameResult() throws Exception {
        ExecuteToolRequest request = request("order-7-refund", CASE);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<CompletableFuture<ExecuteToolResponse>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                replies.add(CompletableFuture.supplyAsync(() -> tools.withDeadlineAfter(20, TimeUnit.SECONDS)
                        .executeTool(request), pool));
            }
            List<ExecuteToolResponse> answers = new ArrayList<>();
            for (CompletableFuture<ExecuteToolResponse> f : replies) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }

            assertThat(upstream.exchangesTo("/cases")).hasSize(1);
            assertThat(answers).extracting(ExecuteToolResponse::getResultJson).containsOnly("{\"case_id\":\"C-1\"}");
            assertThat(answers).filteredOn(a -> !a.getReplayed()).hasSize(1);
            assertThat(answers).extracting(ExecuteToolResponse::getStartedAt).containsOnly(answers.get(0).getStartedAt());
        } finally {
            pool.shutdownNow();
        }
        List<Map<String, Object>> rows = new CallRows(dataSource).calls(fx.tenant);
        assertThat(rows).filteredOn(r -> r.get("status").equals("SUCCEEDED")).hasSize(1);
        assertThat(rows).filteredOn(r -> r.get("status").equals("DUPLICATE_CALL_ID")).hasSize(49);
    }

    @Test
    void aCallIdIsReplayedByAnotherInstanceAfterARestart() throws Exception {
        ExecuteToolResponse first = tools.executeTool(request("restart-1", CASE));

        try (ApplicationContext restarted = ApplicationContext.run(Map.of("grpc.server.port", 0), "test")) {
            ManagedChannel other = Grpc.newChannelBuilderForAddress("127.0.0.1",
                    restarted.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
            try {
                ExecuteToolResponse again = Clients.tools(other, fx.agentKey).executeTool(request("restart-1", CASE));

                assertThat(again.getReplayed()).isTrue();
                assertThat(again.getResultJson()).isEqualTo(first.getResultJson());
                assertThat(again.getToolVersion()).isEqualTo(first.getToolVersion());
            } finally {
                other.shutdownNow();
            }
        }
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
    }

    @Test
    void theSameArgumentsSpelledDifferentlyAreTheSameCall() {
        ExecuteToolResponse first = tools.executeTool(request("spelling-1", CASE));

        ExecuteToolResponse again = tools.executeTool(request("spelling-1",
                "{ \"priority\":\"high\", \"summary\":\"Printer on fire\", \"customer_id\":\"acme\" }"));

        assertThat(again.getReplayed()).isTrue();
        assertThat(again.getResultJson()).isEqualTo(first.getResultJson());
    }

    @Test
    void aCallIdReusedWithOtherArgumentsIsRefusedAndNotExecuted() {
        tools.executeTool(request("reused-1", CASE));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> tools.executeTool(
                request("reused-1", CASE.replace("high", "low"))));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("CALL_ID_REUSED");
        assertThat(e.getStatus().getDescription()).contains("other arguments").contains("new call_id");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
    }

    @Test
    void anotherAgentReusingACallId_andAGeneratedIdSentWithOtherArguments_areRefused() {
        ExecuteToolResponse first = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(CASE).build()); // the gateway picks the id
        ToolServiceGrpc.ToolServiceBlockingStub other = Clients.tools(channel, fx.admin().createApiKey(
                dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("agent-2")
                        .addScopes("tools:call").build()).getApiKey());

        StatusRuntimeException otherAgent = catchThrowableOfType(StatusRuntimeException.class,
                () -> other.executeTool(request(first.getCallId(), CASE)));
        StatusRuntimeException otherArgs = catchThrowableOfType(StatusRuntimeException.class,
                () -> tools.executeTool(request(first.getCallId(), CASE.replace("high", "low"))));

        assertThat(Clients.errorInfo(otherAgent).getReason()).isEqualTo("CALL_ID_REUSED");
        assertThat(otherAgent.getStatus().getDescription()).doesNotContain("C-1");
        assertThat(Clients.errorInfo(otherArgs).getReason()).isEqualTo("CALL_ID_REUSED");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
    }

    @Test
    void aFirstExecutionThatTimedOutIsReplayedAsTheSameErrorWithoutCallingAgain() {
        fx.createCaseTool("/slow", 300);

        StatusRuntimeException first = catchThrowableOfType(StatusRuntimeException.class,
                () -> tools.executeTool(request("slow-1", CASE)));
        StatusRuntimeException again = catchThrowableOfType(StatusRuntimeException.class,
                () -> tools.executeTool(request("slow-1", CASE)));

        assertThat(first.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(again.getStatus().getDescription()).contains("already ran").contains("new call_id");
        assertThat(Clients.errorInfo(again).getMetadataMap()).containsEntry("replayed", "true");
        assertThat(upstream.exchangesTo("/slow")).hasSize(1);
    }

    private static ExecuteToolRequest request(String callId, String args) {
        return ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId(callId).setArgumentsJson(args)
                .build();
    }
}
