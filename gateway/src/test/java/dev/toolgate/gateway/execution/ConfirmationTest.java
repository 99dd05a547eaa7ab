package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolCallRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Human confirmation end to end: a tool that requires confirmation is held, and only a human's
 * key with {@code tools:confirm} — in the same tenant, not the agent's own — can release it, once.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfirmationTest implements TestPropertyProvider {
    private static final String REFUND = "{\"order_id\":\"A-1\",\"amount\":250}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    MutableClock clock;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    ToolServiceGrpc.ToolServiceBlockingStub approver;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.clock", "mutable", "toolgate.confirmations.ttl", "15m");
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/refunds", r -> Reply.json(200, "{\"refunded\":250}"))
                .route("/slow", r -> new Reply(200, "application/json", "{}", 1_500));
        fx = gateway.fixture();
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order to the customer's card").setMethod("POST")
                .setPath("/refunds")
                .setInputSchemaJson("""
                        {"type":"object","properties":{"order_id":{"type":"string"},"amount":{"type":"number"}},
                         "required":["order_id","amount"],"additionalProperties":false}""")
                .setAnnotations(ToolAnnotations.newBuilder().setRequiresConfirmation(true).setDestructive(true))
                .build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("report").setDescription("A slow report").setMethod("GET").setPath("/slow")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true)).build());
        agent = fx.agent();
        approver = fx.toolsAs("finance-lead-" + UUID.randomUUID().toString().substring(0, 4), "tools:confirm");
    }

    @Test
    void aHeldCall_answersAResultThatTellsTheModelNothingRanYetAndWhatComesNext() throws Exception {
        ExecuteToolResponse held = refund("refund-readable");

        assertThat(held.getIsError()).isTrue(); // glue that only looks at is_error does not report success
        com.fasterxml.jackson.databind.JsonNode result = dev.toolgate.gateway.core.JsonSupport.mapper()
                .readTree(held.getResultJson());
        assertThat(result.path("status").asText()).isEqualTo("PENDING_CONFIRMATION");
        assertThat(result.path("call_id").asText()).isEqualTo("refund-readable");
        assertThat(result.path("confirmation_id").asText()).isEqualTo(held.getConfirmation().getConfirmationId());
        assertThat(result.path("message").asText()).startsWith("Not run yet: a human must approve this call")
                .contains("toolgate confirm refund-readable").contains("Do not call the tool again");
        assertThat(refund("refund-readable").getResultJson()).isEqualTo(held.getResultJson()); // a retry reads the same
    }

    @Test
    void aHeldCallRunsOnceWhenApproved() {
        ExecuteToolResponse held = refund("refund-1");
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(held.getConfirmation().getSummary()).contains("desk.refund").contains("\"A-1\"").contains("250");
        assertThat(held.getConfirmation().getExpiresAt().getSeconds()).isPositive();
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(agent.getToolCall(get("refund-1")).getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(refund("refund-1").getConfirmation().getConfirmationId())
                .isEqualTo(held.getConfirmation().getConfirmationId()); // the agent retrying sees the same hold

        ToolCall approved = approver.confirmToolCall(decision("refund-1", true, "customer called, verified"));
        ToolCall again = approver.confirmToolCall(decision("refund-1", true, "double click"));

        assertThat(approved.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(approved.getResultJson()).isEqualTo("{\"refunded\":250}");
        assertThat(approved.getConfirmation().getState()).isEqualTo("APPROVED");
        assertThat(approved.getConfirmation().getDecidedBy()).startsWith("finance-lead");
        assertThat(approved.getConfirmation().getReason()).isEqualTo("customer called, verified");
        assertThat(again.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/refunds")).hasSize(1);
        assertThat(upstream.exchanges().get(0).body()).contains("\"A-1\"");
        ExecuteToolResponse replay = refund("refund-1");
        assertThat(replay.getReplayed()).isTrue();
        assertThat(replay.getResultJson()).isEqualTo("{\"refunded\":250}");
        assertThat(upstream.exchangesTo("/refunds")).hasSize(1);
    }

    @Test
    void aDeniedCallNeverRuns() {
        refund("refund-2");

        ToolCall denied = approver.confirmToolCall(decision("refund-2", false, "amount looks wrong"));
        StatusRuntimeException late = catchThrowableOfType(StatusRuntimeException.class,
                () -> approver.confirmToolCall(decision("refund-2", true, "")));
        StatusRuntimeException retried = catchThrowableOfType(StatusRuntimeException.class, () -> refund("refund-2"));

        assertThat(denied.getStatus()).isEqualTo(CallStatus.CALL_STATUS_DENIED);
        assertThat(denied.getError()).contains("finance-lead").contains("amount looks wrong");
        assertThat(late.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(late).getReason()).isEqualTo("CONFIRMATION_DECIDED");
        assertThat(retried.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(new CallRows(dataSource).decided(fx.tenant, "refund-2")).containsEntry("status", "DENIED");
    }

    @Test
    void anExpiredConfirmationCannotBeApproved() {
        refund("refund-3");
        clock.advance(java.time.Duration.ofMinutes(16));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> approver.confirmToolCall(decision("refund-3", true, "")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("CONFIRMATION_EXPIRED");
        assertThat(agent.getToolCall(get("refund-3")).getConfirmation().getState()).isEqualTo("EXPIRED");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void anUnansweredHoldShowsAsExpiredWithoutAnyoneDeciding() {
        refund("refund-7");
        clock.advance(java.time.Duration.ofMinutes(16));

        ToolCall seen = agent.getToolCall(get("refund-7"));
        StatusRuntimeException again = catchThrowableOfType(StatusRuntimeException.class, () -> refund("refund-7"));

        assertThat(seen.getConfirmation().getState()).isEqualTo("EXPIRED");
        assertThat(seen.getStatus()).isEqualTo(CallStatus.CALL_STATUS_DENIED);
        assertThat(again.getStatus().getCode()).isIn(Status.Code.FAILED_PRECONDITION, Status.Code.PERMISSION_DENIED);
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void anotherKeyOfTheSameAgentCannotApprove_andOtherAgentsCannotReadTheCall() {
        refund("refund-8");
        String sameAgentKey = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("agent-1").addScopes("tools:call").addScopes("tools:confirm").build()).getApiKey();
        ToolServiceGrpc.ToolServiceBlockingStub otherAgent = fx.toolsAs("agent-9-" + UUID.randomUUID().toString().substring(0, 4), "tools:call");

        StatusRuntimeException self = catchThrowableOfType(StatusRuntimeException.class,
                () -> Clients.tools(channel, sameAgentKey).confirmToolCall(decision("refund-8", true, "")));
        StatusRuntimeException peek = catchThrowableOfType(StatusRuntimeException.class,
                () -> otherAgent.getToolCall(get("refund-8")));

        assertThat(Clients.errorInfo(self).getReason()).isEqualTo("SELF_CONFIRMATION");
        assertThat(peek.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(approver.getToolCall(get("refund-8")).getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
    }

    @Test
    void anApprovalTheBulkheadRefusesStaysApproved_andConfirmingAgainSendsItOnce() throws Exception {
        fx.admin().setIntegrationResilience(dev.toolgate.proto.v1.SetIntegrationResilienceRequest.newBuilder()
                .setResilience(dev.toolgate.proto.v1.IntegrationResilience.newBuilder().setTenant(fx.tenant)
                        .setIntegration("desk").setMaxConcurrent(1)).build());
        refund("refund-9");
        var busy = java.util.concurrent.CompletableFuture.runAsync(() -> agent.executeTool(ExecuteToolRequest
                .newBuilder().setTool("desk.report").setArgumentsJson("{}").build()),
                java.util.concurrent.Executors.newSingleThreadExecutor());
        dev.toolgate.gateway.support.Eventually.within(java.time.Duration.ofSeconds(2),
                () -> assertThat(upstream.exchangesTo("/slow")).hasSize(1));

        StatusRuntimeException full = catchThrowableOfType(StatusRuntimeException.class,
                () -> approver.confirmToolCall(decision("refund-9", true, "ok")));
        assertThat(Clients.errorInfo(full).getReason()).isEqualTo("BULKHEAD_FULL");
        assertThat(agent.getToolCall(get("refund-9")).getConfirmation().getState()).isEqualTo("APPROVED");
        busy.get(10, java.util.concurrent.TimeUnit.SECONDS);

        ToolCall sent = approver.confirmToolCall(decision("refund-9", true, "ok"));
        ToolCall again = approver.confirmToolCall(decision("refund-9", true, "ok"));

        assertThat(sent.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(again.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/refunds")).hasSize(1);
    }

    @Test
    void theAgentsOwnKeyAndKeysWithoutTheScopeCannotApprove() {
        refund("refund-4");
        ToolServiceGrpc.ToolServiceBlockingStub callerOnly = fx.toolsAs("agent-1b-" + UUID.randomUUID().toString().substring(0, 4), "tools:call");

        StatusRuntimeException own = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.confirmToolCall(decision("refund-4", true, "")));
        StatusRuntimeException noScope = catchThrowableOfType(StatusRuntimeException.class,
                () -> callerOnly.confirmToolCall(decision("refund-4", true, "")));

        assertThat(own.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(noScope.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void theAgentsKeyCannotApproveEvenWithTheConfirmScope() {
        String selfKey = fx.key("self-approver-" + UUID.randomUUID().toString().substring(0, 4), "tools:call", "tools:confirm");
        ToolServiceGrpc.ToolServiceBlockingStub self = Clients.tools(channel, selfKey);
        self.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.refund").setCallId("refund-5")
                .setArgumentsJson(REFUND).build());

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> self.confirmToolCall(decision("refund-5", true, "")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SELF_CONFIRMATION");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void anotherTenantCanNeitherSeeNorApproveTheCall() {
        refund("refund-6");
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());
        ToolServiceGrpc.ToolServiceBlockingStub otherApprover = other.toolsAs("other-lead",
                "tools:confirm", "tools:call");

        StatusRuntimeException see = catchThrowableOfType(StatusRuntimeException.class,
                () -> otherApprover.getToolCall(get("refund-6")));
        StatusRuntimeException approve = catchThrowableOfType(StatusRuntimeException.class,
                () -> otherApprover.confirmToolCall(decision("refund-6", true, "")));

        assertThat(see.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(approve.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(agent.getToolCall(get("refund-6")).getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(upstream.exchanges()).isEmpty();
    }

    private ExecuteToolResponse refund(String callId) {
        return agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.refund").setCallId(callId)
                .setArgumentsJson(REFUND).build());
    }

    private static GetToolCallRequest get(String callId) {
        return GetToolCallRequest.newBuilder().setCallId(callId).build();
    }

    private static ConfirmToolCallRequest decision(String callId, boolean approve, String reason) {
        return ConfirmToolCallRequest.newBuilder().setCallId(callId).setApprove(approve).setReason(reason).build();
    }

}
