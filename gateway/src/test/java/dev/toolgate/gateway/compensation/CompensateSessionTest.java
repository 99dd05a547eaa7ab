package dev.toolgate.gateway.compensation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CompensateSessionRequest;
import dev.toolgate.proto.v1.CompensateSessionResponse;
import dev.toolgate.proto.v1.CompensationState;
import dev.toolgate.proto.v1.CompensationStep;
import dev.toolgate.proto.v1.CompensationStepStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetSessionRequest;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.Session;
import dev.toolgate.proto.v1.SetToolCompensationRequest;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolCompensation;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CompensateSession against real HTTP upstreams on 127.0.0.1: a three-step session (create customer →
 * create order → charge card) whose charge fails is rolled back — the order cancelled, then the
 * customer deleted — each exactly once, also when the command is sent twice at once or again through
 * a freshly started gateway; a compensation that fails is reported and resumed.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompensateSessionTest implements TestPropertyProvider {
    private static final Path DIR = PolicyFiles.newDirectory("toolgate-compensation-policies");
    private static final String OBJECT = "{\"type\":\"object\",\"properties\":{%s},\"required\":[%s],"
            + "\"additionalProperties\":false}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    final AtomicInteger cancelFailuresLeft = new AtomicInteger();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    @BeforeEach
    void setUp() {
        upstream = gateway.upstream()
                .route("/customers", r -> r.method().equals("DELETE") ? Reply.json(200, "{\"deleted\":true}")
                        : Reply.json(201, "{\"id\":\"cust-1\",\"card_token\":\"tok_live_1\"}"))
                .route("/orders", r -> r.uri().endsWith("/cancel")
                        ? cancelFailuresLeft.getAndDecrement() > 0 ? Reply.json(500, "{\"error\":\"cancel broke\"}")
                                : new Reply(200, "application/json", "{\"cancelled\":true}", 150)
                        : Reply.json(201, "{\"id\":\"ord-7\",\"total\":40}"))
                .route("/charges", r -> Reply.json(402, "{\"error\":\"card declined\"}"));
        fx = gateway.fixture();
        tool("create_customer", "POST", "/customers", "\"name\":{\"type\":\"string\"}", "\"name\"");
        tool("delete_customer", "DELETE", "/customers/{customer_id}", "\"customer_id\":{\"type\":\"string\"}",
                "\"customer_id\"");
        tool("create_order", "POST", "/orders", "\"customer_id\":{\"type\":\"string\"}", "\"customer_id\"");
        tool("cancel_order", "POST", "/orders/{order_id}/cancel", "\"order_id\":{\"type\":\"string\"}",
                "\"order_id\"");
        tool("charge_card", "POST", "/charges", "\"order_id\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}",
                "\"order_id\",\"amount\"");
        // a JSON Pointer map for one, a CEL expression for the other
        fx.admin().setToolCompensation(SetToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                .setCompensation(ToolCompensation.newBuilder().setTool("desk.create_customer")
                        .setCompensatingTool("desk.delete_customer").putArguments("customer_id", "/result/id"))
                .build());
        fx.admin().setToolCompensation(SetToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                .setCompensation(ToolCompensation.newBuilder().setTool("desk.create_order")
                        .setCompensatingTool("desk.cancel_order").setExpression("{\"order_id\": result.id}"))
                .build());
        policy("");
        agent = fx.agent();
    }

    @Test
    void theChargeFails_compensationCancelsTheOrderThenDeletesTheCustomer_onceEach_whenSentTwiceAtOnce()
            throws Exception {
        String session = runFailingPurchase();
        ToolServiceGrpc.ToolServiceBlockingStub second = Clients.tools(gateway.channel(), fx.agentKey);

        CompletableFuture<CompensateSessionResponse> a = CompletableFuture.supplyAsync(() -> compensate(agent, session));
        CompletableFuture<CompensateSessionResponse> b = CompletableFuture.supplyAsync(() -> compensate(second, session));

        for (CompensateSessionResponse r : List.of(a.get(), b.get())) {
            assertThat(r.getState()).isEqualTo(CompensationState.COMPENSATION_STATE_COMPLETED);
            assertThat(r.getStepsList()).extracting(CompensationStep::getTool)
                    .containsExactly("desk.create_order", "desk.create_customer"); // latest first; the charge failed
            assertThat(r.getStepsList()).extracting(CompensationStep::getStatus).containsOnly(
                    CompensationStepStatus.COMPENSATION_STEP_STATUS_COMPENSATED);
        }
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(1);
        assertThat(upstream.exchangesTo("/customers/cust-1")).hasSize(1);
        List<String> order = upstream.exchanges().stream().map(TestUpstream.Exchange::uri)
                .filter(u -> u.contains("cancel") || u.startsWith("/customers/")).toList();
        assertThat(order).containsExactly("/orders/ord-7/cancel", "/customers/cust-1");

        Session s = agent.getSession(GetSessionRequest.newBuilder().setSessionId(session).build());
        Map<String, ToolCall> byTool = new java.util.HashMap<>();
        s.getCallsList().forEach(c -> byTool.putIfAbsent(c.getTool(), c));
        assertThat(byTool.get("desk.create_order").getCompensatedBy())
                .isEqualTo("comp-1:" + byTool.get("desk.create_order").getCallId());
        assertThat(byTool.get("desk.create_customer").getCompensatedBy()).startsWith("comp-1:");
        assertThat(byTool.get("desk.charge_card").getCompensatedBy()).isEmpty();
        assertThat(byTool.get("desk.cancel_order").getCompensates()).isEqualTo(byTool.get("desk.create_order").getCallId());
        assertThat(s.getCompensationsList()).hasSize(2)
                .allSatisfy(c -> assertThat(c.getReason()).isEqualTo("the card was declined"));
    }

    @Test
    void sentAgainThroughFreshlyStartedGateways_nothingRunsTwice() {
        String session = runFailingPurchase();
        assertThat(compensate(agent, session).getState()).isEqualTo(CompensationState.COMPENSATION_STATE_COMPLETED);

        for (int restart = 0; restart < 2; restart++) { // a new gateway process state each time, same database
            try (ApplicationContext fresh = ApplicationContext.run(Map.of("grpc.server.port", 0,
                    "toolgate.policy.dir", DIR.toString()), "test")) {
                ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
                        fresh.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
                try {
                    CompensateSessionResponse again = compensate(Clients.tools(channel, fx.agentKey), session);

                    assertThat(again.getState()).isEqualTo(CompensationState.COMPENSATION_STATE_COMPLETED);
                    assertThat(again.getStepsList()).allSatisfy(st -> assertThat(st.getReplayed()).isTrue());
                } finally {
                    channel.shutdownNow();
                }
            }
        }
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(1);
        assertThat(upstream.exchangesTo("/customers/cust-1")).hasSize(1);
    }

    @Test
    void aCompensationThatFails_isReportedPerStep_andTheNextCommandResumesIt() {
        String session = runFailingPurchase();
        cancelFailuresLeft.set(1);

        CompensateSessionResponse first = compensate(agent, session);

        assertThat(first.getState()).isEqualTo(CompensationState.COMPENSATION_STATE_INCOMPLETE);
        assertThat(first.getSteps(0).getStatus()).isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_FAILED);
        assertThat(first.getSteps(0).getError()).contains("500").contains("cancel broke");
        assertThat(first.getSteps(0).getAttempt()).isEqualTo(1);
        assertThat(first.getSteps(1).getStatus()).isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_NOT_STARTED);
        assertThat(upstream.exchangesTo("/customers/cust-1")).isEmpty(); // nothing runs past a failed step

        CompensateSessionResponse resumed = compensate(agent, session);

        assertThat(resumed.getState()).isEqualTo(CompensationState.COMPENSATION_STATE_COMPLETED);
        assertThat(resumed.getSteps(0).getAttempt()).isEqualTo(2);
        assertThat(resumed.getSteps(0).getCompensationCallId()).startsWith("comp-2:");
        assertThat(resumed.getSteps(1).getStatus()).isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_COMPENSATED);
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(2);
        assertThat(upstream.exchangesTo("/customers/cust-1")).hasSize(1);
        Session s = agent.getSession(GetSessionRequest.newBuilder().setSessionId(session).build());
        assertThat(s.getCallsList()).filteredOn(c -> c.getTool().equals("desk.cancel_order"))
                .extracting(ToolCall::getStatus)
                .containsExactly(CallStatus.CALL_STATUS_UPSTREAM_ERROR, CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void aPolicyCanHoldCompensationsForAHuman_callCompensationIsTrueOnlyForThem() {
        policy("""
                  - id: rollbacks-need-a-human
                    effect: allow
                    tools: ["desk.*"]
                    agents: ["*"]
                    when: call.compensation
                    confirm: true
                """);
        String session = runFailingPurchase(); // the ordinary calls were not held

        CompensateSessionResponse held = compensate(agent, session);

        assertThat(held.getState()).isEqualTo(CompensationState.COMPENSATION_STATE_INCOMPLETE);
        assertThat(held.getSteps(0).getStatus())
                .isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_PENDING_CONFIRMATION);
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).isEmpty();
        ToolServiceGrpc.ToolServiceBlockingStub human = fx.toolsAs("lead", "tools:confirm");
        human.confirmToolCall(ConfirmToolCallRequest.newBuilder().setCallId(held.getSteps(0).getCompensationCallId())
                .setApprove(true).build());
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(1);

        CompensateSessionResponse next = compensate(agent, session); // the customer's deletion is held next
        assertThat(next.getSteps(0).getStatus()).isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_COMPENSATED);
        assertThat(next.getSteps(1).getStatus())
                .isEqualTo(CompensationStepStatus.COMPENSATION_STEP_STATUS_PENDING_CONFIRMATION);
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(1);
    }

    @Test
    void badDeclarationsAndRequests_areRefusedAndChangeNothing() {
        StatusRuntimeException both = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .setToolCompensation(SetToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                        .setCompensation(ToolCompensation.newBuilder().setTool("desk.create_order")
                                .setCompensatingTool("desk.cancel_order").putArguments("order_id", "/result/id")
                                .setExpression("{\"order_id\": result.id}")).build()));
        StatusRuntimeException pointer = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .setToolCompensation(SetToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                        .setCompensation(ToolCompensation.newBuilder().setTool("desk.create_order")
                                .setCompensatingTool("cancel order").putArguments("order_id", "result/id")).build()));
        StatusRuntimeException cel = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .setToolCompensation(SetToolCompensationRequest.newBuilder().setTenant(fx.tenant)
                        .setCompensation(ToolCompensation.newBuilder().setTool("desk.create_order")
                                .setCompensatingTool("desk.cancel_order").setExpression("result.id +")).build()));
        StatusRuntimeException badSession = catchThrowableOfType(StatusRuntimeException.class,
                () -> compensate(agent, "no spaces"));

        assertThat(both.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(both.getStatus().getDescription()).contains("not both");
        assertThat(pointer.getStatus().getDescription()).contains("compensating_tool").contains("result/id");
        assertThat(cel.getStatus().getDescription()).contains("expression");
        assertThat(badSession.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        String session = runFailingPurchase();
        assertThat(compensate(agent, session).getState()).isEqualTo(CompensationState.COMPENSATION_STATE_COMPLETED);
        assertThat(upstream.exchangesTo("/orders/ord-7/cancel")).hasSize(1); // the stored CEL declaration stood
    }

    @Test
    void theSummaryOfTheSession_isStableBounded_readableByTheModel_andHoldsNoSecret() throws Exception {
        String session = runFailingPurchase();
        compensate(agent, session);
        GetSessionRequest get = GetSessionRequest.newBuilder().setSessionId(session).build();

        String summary = agent.getSession(get).getSummary();

        assertThat(summary).startsWith("Session " + session + ": 5 calls (4 succeeded, 1 failed or refused, 0 waiting"
                + " for a human, 2 compensated); rollback requested 1 time.");
        assertThat(summary).contains("\n3. desk.charge_card UPSTREAM_ERROR [402] → {\"error\":\"card declined\"}")
                .contains("2. desk.create_order SUCCEEDED [201] → {\"id\":\"ord-7\",\"total\":40} — undone by step 4")
                .contains("4. desk.cancel_order SUCCEEDED (rollback of step 2) [200]")
                .contains("5. desk.delete_customer SUCCEEDED (rollback of step 1)");
        assertThat(summary).doesNotContain("tok_live_1").doesNotContain(fx.token).doesNotContain(fx.agentKey)
                .contains("\"card_token\":\"[REDACTED]\"");
        assertThat(agent.getSession(get).getSummary()).isEqualTo(summary); // the same history, the same text

        String small = agent.getSession(get.toBuilder().setSummaryMaxChars(300).build()).getSummary();
        assertThat(small.length()).isLessThanOrEqualTo(300);
        assertThat(small).contains("earlier calls left out").endsWith("(rollback of step 1) [200] → {\"deleted\":true}");

        ExecuteToolResponse asTool = agent.executeTool(ExecuteToolRequest.newBuilder()
                .setTool("toolgate.session_summary").setSessionId(session).setArgumentsJson("{}").build());
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(asTool.getResultJson())
                .path("summary").asText()).isEqualTo(summary);
        com.fasterxml.jackson.databind.JsonNode overMcp = mcp("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"toolgate__session_summary\",\"arguments\":{\"session_id\":\"" + session
                + "\",\"max_chars\":300}}}");
        assertThat(overMcp.path("result").path("structuredContent").path("summary").asText()).isEqualTo(small);
        StatusRuntimeException tooSmall = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.getSession(get.toBuilder().setSummaryMaxChars(50).build()));
        assertThat(tooSmall.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private com.fasterxml.jackson.databind.JsonNode mcp(String body) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + gateway.bean(io.micronaut.runtime.server.EmbeddedServer.class).getPort() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + fx.agentKey)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request,
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
    }

    /** create_customer → create_order → charge_card (declined), in a new session; returns its id. */
    private String runFailingPurchase() {
        String session = "s-" + java.util.UUID.randomUUID();
        assertThat(call(session, "desk.create_customer", "{\"name\":\"Ada\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(call(session, "desk.create_order", "{\"customer_id\":\"cust-1\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        ExecuteToolResponse charge = call(session, "desk.charge_card", "{\"order_id\":\"ord-7\",\"amount\":40}");
        assertThat(charge.getStatus()).isEqualTo(CallStatus.CALL_STATUS_UPSTREAM_ERROR);
        return session;
    }

    private ExecuteToolResponse call(String session, String tool, String args) {
        return agent.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setSessionId(session)
                .setArgumentsJson(args).build());
    }

    private static CompensateSessionResponse compensate(ToolServiceGrpc.ToolServiceBlockingStub stub, String session) {
        return stub.compensateSession(CompensateSessionRequest.newBuilder().setSessionId(session)
                .setReason("the card was declined").build());
    }

    private void tool(String name, String method, String path, String properties, String required) {
        UpsertHttpToolRequest.Builder b = UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName(name).setDescription(name.replace('_', ' ')).setMethod(method).setPath(path)
                .setInputSchemaJson(OBJECT.formatted(properties, required));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([a-z_]+)}").matcher(path);
        while (m.find()) {
            b.addParams(ParamBinding.newBuilder().setArgument(m.group(1)).setLocation(ParamLocation.PARAM_LOCATION_PATH));
        }
        fx.admin().upsertHttpTool(b.build());
    }

    private void policy(String extraRules) {
        PolicyFiles.write(DIR, fx.tenant, """
                rules:
                  - id: shop
                    effect: allow
                    tools: ["desk.*"]
                    agents: ["*"]
                """ + extraRules);
        Clients.bootstrapAdmin(gateway.channel()).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance());
    }
}
