package dev.toolgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.PolicyStatus;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway enforcing tenant policy files on PostgreSQL: a directory of its own (not the
 * allow-everything one other tests run under), real gRPC, a real upstream that counts calls.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyEnforcementTest implements TestPropertyProvider {
    private static final Path DIR = PolicyFiles.newDirectory("toolgate-policies");

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent1;
    ToolServiceGrpc.ToolServiceBlockingStub agent2;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream()
                .route("/refunds", r -> Reply.json(200, "{\"refunded\":true}"))
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))
                .route("/items/", r -> Reply.json(200, "{\"found\":true}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5000);
        fx.lookupTool("lookup");
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("""
                        {"type":"object","properties":{"order_id":{"type":"string"},"amount":{"type":"number"}},
                         "required":["order_id","amount"],"additionalProperties":false}""")
                .build());
        agent1 = fx.agent();
        agent2 = Clients.tools(channel, fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("agent-2").addScopes("tools:call").putLabels("team", "support").build()).getApiKey());
        writePolicy(fx.tenant, """
                rules:
                  - id: refunds
                    effect: allow
                    tools: [desk.refund]
                    agents: [agent-1, agent-2]
                  - id: agent-2-small-refunds-only
                    effect: deny
                    tools: [desk.refund]
                    agents: [agent-2]
                    when: args.amount > 100
                    reason: agent-2 may refund at most 100; ask a human for larger refunds.
                  - id: cases
                    effect: allow
                    tools: [desk.create_case]
                    agents: [agent-1]
                  - id: high-priority-cases-need-a-human
                    effect: allow
                    tools: [desk.create_case]
                    agents: [agent-1]
                    when: args.priority == "high"
                    confirm: true
                  - id: support-team-lookups
                    effect: allow
                    tools: [desk.lookup]
                    agents: ["*"]
                    when: agent.labels["team"] == "support"
                rate_limits:
                  - id: refunds-per-agent
                    limit: 3/min
                    tools: [desk.refund]
                """);
        assertThat(reload().getRejectedList()).isEmpty();
    }

    @Test
    void importOpenApi_toolsNoRuleAllows_areNamedInTheAnswer_andAllowedOnesAreNot() {
        String doc = """
                openapi: 3.0.3
                info: {title: Billing, version: "1"}
                paths:
                  /invoices/{id}:
                    get:
                      operationId: get_invoice
                      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
                      responses: {"200": {description: ok}}
                """;
        var first = fx.admin().importOpenApi(dev.toolgate.proto.v1.ImportOpenApiRequest.newBuilder()
                .setTenant(fx.tenant).setIntegration("billing").setDocument(doc)
                .setOptions(dev.toolgate.proto.v1.OpenApiImportOptions.newBuilder().setBaseUrl(upstream.baseUrl()))
                .build());
        var desk = fx.admin().importOpenApi(dev.toolgate.proto.v1.ImportOpenApiRequest.newBuilder()
                .setTenant(fx.tenant).setIntegration("desk_docs").setDocument(doc.replace("get_invoice", "refund"))
                .setOptions(dev.toolgate.proto.v1.OpenApiImportOptions.newBuilder().setBaseUrl(upstream.baseUrl()))
                .build());

        assertThat(first.getAddedList()).containsExactly("billing.get_invoice");
        assertThat(first.getNotAllowedList()).containsExactly("billing.get_invoice");
        assertThat(desk.getNotAllowedList()).containsExactly("desk_docs.refund"); // desk.refund is allowed, not this
        assertThat(agent1.listTools(dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList())
                .extracting(dev.toolgate.proto.v1.Tool::getName).doesNotContain("billing.get_invoice");
    }

    @AfterEach
    void tearDown() {
        PolicyFiles.delete(DIR, fx.tenant);
    }

    private static void writePolicy(String tenant, String yaml) {
        PolicyFiles.write(DIR, tenant, yaml);
    }

    private PolicyStatus reload() {
        return Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance());
    }

    private static ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub stub, String tool, String args) {
        return stub.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    private static StatusRuntimeException refused(ToolServiceGrpc.ToolServiceBlockingStub stub, String tool, String args) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> call(stub, tool, args));
    }

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
        for (Any any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e.getStatus());
    }

    @Test
    void sameCall_allowedForOneAgent_deniedForAnother_byAConditionOnAnArgument() {
        String big = "{\"order_id\":\"o-1\",\"amount\":250}";
        assertThat(call(agent1, "desk.refund", big).getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        StatusRuntimeException denied = refused(agent2, "desk.refund", big);
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).isEqualTo("agent-2 may refund at most 100; ask a human for larger refunds.");
        ErrorInfo info = detail(denied, ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("POLICY_DENIED");
        assertThat(info.getMetadataMap()).containsEntry("rule_id", "agent-2-small-refunds-only")
                .containsEntry("tool", "desk.refund").containsKey("call_id");
        assertThat(info.getMetadataMap().get("policy_version")).startsWith("sha256:");

        assertThat(call(agent2, "desk.refund", "{\"order_id\":\"o-2\",\"amount\":40}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchanges()).hasSize(2); // the denied call never reached the upstream
    }

    @Test
    void aToolHiddenFromTheAgent_isRefusedBeforeItsArgumentsAreChecked_soItsSchemaIsNotDescribed() {
        // agent-2 is shown no desk.create_case (no rule allows it); bad arguments must not reveal its schema
        StatusRuntimeException denied = refused(agent2, "desk.create_case", "{\"priority\":\"urgent\"}");
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).startsWith("tool 'desk.create_case' is not available to this"
                + " agent (").contains("default deny").contains("list the tools again").doesNotContain("/priority");
        ErrorInfo info = detail(denied, ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("TOOL_NOT_AVAILABLE");
        assertThat(info.getMetadataMap()).containsEntry("rule_id", "default-deny").containsKey("call_id");

        ExecuteToolResponse asResult = agent2.executeTool(ExecuteToolRequest.newBuilder().setTool("desk__create_case")
                .setArgumentsJson("{\"priority\":\"urgent\"}").setRefusalsAsResults(true).build());
        assertThat(asResult.getIsError()).isTrue();
        assertThat(asResult.getStatus()).isEqualTo(CallStatus.CALL_STATUS_DENIED);
        assertThat(asResult.getResultJson()).contains("TOOL_NOT_AVAILABLE").contains("list the tools again")
                .doesNotContain("/priority");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(new CallRows(dataSource).calls(fx.tenant)).allSatisfy(row -> assertThat(row)
                .containsEntry("status", "DENIED").containsEntry("policy_decision", "deny")
                .containsEntry("policy_rule", "default-deny"));
    }

    @Test
    void noMatchingRule_isDeniedByDefault_andTheRowRecordsDecisionRuleAndVersion() {
        StatusRuntimeException denied = refused(agent2, "desk.create_case",
                "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}");
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("agent-2").contains("desk.create_case")
                .contains("default deny");
        assertThat(detail(denied, ErrorInfo.class).getMetadataMap()).containsEntry("rule_id", "default-deny");
        assertThat(upstream.exchanges()).isEmpty();

        call(agent1, "desk.create_case", "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}");
        CallRows rows = new CallRows(dataSource);
        assertThat(rows.calls(fx.tenant)).satisfiesExactly(
                row -> {
                    assertThat(row).containsEntry("status", "DENIED").containsEntry("policy_decision", "deny")
                            .containsEntry("policy_rule", "default-deny");
                    assertThat((String) row.get("policy_version")).startsWith("sha256:");
                },
                row -> assertThat(row).containsEntry("status", "SUCCEEDED").containsEntry("policy_decision", "allow")
                        .containsEntry("policy_rule", "cases"));
    }

    @Test
    void aHiddenTool_isNotListedNorDescribed_evenWithInvalidArguments() {
        // listing ignores conditions: desk.lookup is listed for agent-1, whose labels then fail the condition
        assertThat(agent1.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).extracting(Tool::getName)
                .containsExactlyInAnyOrder("desk.create_case", "desk.refund", "desk.lookup");
        assertThat(agent2.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).extracting(Tool::getName)
                .containsExactlyInAnyOrder("desk.refund", "desk.lookup");
        StatusRuntimeException hidden = catchThrowableOfType(StatusRuntimeException.class, () -> agent2.getTool(
                GetToolRequest.newBuilder().setName("desk.create_case").build()));
        assertThat(hidden.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // nor is it suggested for a near miss
        assertThat(refused(agent2, "desk.create_cas", "{}").getStatus().getDescription()).doesNotContain("create_case");
        // a schema violation on a hidden tool is a denial, not a description of the schema
        assertThat(refused(agent2, "desk.create_case", "{\"nope\":1}").getStatus().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        // on a visible tool it is a validation error
        assertThat(refused(agent2, "desk.refund", "{\"nope\":1}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void keyLabels_reachConditions() {
        assertThat(call(agent2, "desk.lookup", "{\"item_id\":\"i-1\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(refused(agent1, "desk.lookup", "{\"item_id\":\"i-1\"}").getStatus().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void afterNCalls_theRateLimitRefusesWithRetryInfo_andNothingIsSent() {
        for (int i = 0; i < 3; i++) {
            call(agent1, "desk.refund", "{\"order_id\":\"o-" + i + "\",\"amount\":1}");
        }
        StatusRuntimeException limited = refused(agent1, "desk.refund", "{\"order_id\":\"o-4\",\"amount\":1}");
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.getStatus().getDescription()).contains("refunds-per-agent").contains("3 calls per minute");
        assertThat(detail(limited, ErrorInfo.class).getReason()).isEqualTo("RATE_LIMITED");
        Duration retry = Duration.ofSeconds(detail(limited, RetryInfo.class).getRetryDelay().getSeconds(),
                detail(limited, RetryInfo.class).getRetryDelay().getNanos());
        assertThat(retry).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
        assertThat(upstream.exchanges()).hasSize(3);
        assertThat(new CallRows(dataSource).calls(fx.tenant)).last().satisfies(row -> assertThat(row)
                .containsEntry("status", "RATE_LIMITED").containsEntry("policy_rule", "refunds-per-agent"));
        // the limit is per agent: agent-2 still has its three
        assertThat(call(agent2, "desk.refund", "{\"order_id\":\"o-5\",\"amount\":1}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void aConfirmRule_holdsTheCallForAHuman_andSendsNothing() {
        ExecuteToolResponse held = call(agent1, "desk.create_case",
                "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"high\"}");

        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(held.getConfirmation().getRuleId()).isEqualTo("high-priority-cases-need-a-human");
        assertThat(held.getConfirmation().getState()).isEqualTo("PENDING");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void aSelfConfirmRule_letsTheCallingKeyConfirmItsOwnCall_otherRulesDoNot() {
        writePolicy(fx.tenant, """
                rules:
                  - id: refunds-the-user-approves-in-the-app
                    effect: allow
                    tools: [desk.refund]
                    agents: [app-*]
                    confirm: true
                    self_confirm: true
                  - id: cases
                    effect: allow
                    tools: [desk.create_case]
                    agents: [app-*]
                    confirm: true
                """);
        assertThat(reload().getRejectedList()).isEmpty();
        ToolServiceGrpc.ToolServiceBlockingStub app = Clients.tools(channel, fx.admin().createApiKey(
                CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("app-1").addScopes("tools:call")
                        .addScopes("tools:confirm").build()).getApiKey());

        ExecuteToolResponse held = app.executeTool(dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder()
                .setTool("desk.refund").setCallId("self-1").setArgumentsJson("{\"order_id\":\"o\",\"amount\":5}").build());
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        var confirmed = app.confirmToolCall(dev.toolgate.proto.v1.ConfirmToolCallRequest.newBuilder()
                .setCallId("self-1").setApprove(true).build());
        assertThat(confirmed.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        app.executeTool(dev.toolgate.proto.v1.ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setCallId("self-2").setArgumentsJson("{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}")
                .build());
        StatusRuntimeException own = catchThrowableOfType(StatusRuntimeException.class, () -> app.confirmToolCall(
                dev.toolgate.proto.v1.ConfirmToolCallRequest.newBuilder().setCallId("self-2").setApprove(true).build()));
        assertThat(own.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(upstream.exchanges()).hasSize(1);
    }

    @Test
    void aTenantsPolicy_neverAppliesToAnotherTenant() {
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());
        other.createCaseTool("/cases", 5000);
        ToolServiceGrpc.ToolServiceBlockingStub otherAgent1 = Clients.tools(channel, other.agentKey);
        // same tool name, same agent id: still denied, the other tenant has no policy file
        StatusRuntimeException e = refused(otherAgent1, "desk.create_case",
                "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(otherAgent1.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void replacingTheFile_changesDecisionsWithoutRestart_andABrokenFileKeepsThePreviousOnes() {
        String args = "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}";
        assertThat(call(agent1, "desk.create_case", args).getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        writePolicy(fx.tenant, """
                rules:
                  - id: only-lookups
                    effect: allow
                    tools: [desk.lookup]
                    agents: ["*"]
                """);
        // picked up by the directory watcher, no reload call
        Eventually.within(Duration.ofSeconds(10), () -> assertThat(refused(agent1, "desk.create_case", args))
                .isNotNull().extracting(e -> e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(call(agent1, "desk.lookup", "{\"item_id\":\"i\"}").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        writePolicy(fx.tenant, """
                rules:
                  - id: broken
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                    when: args.priority ==
                """);
        PolicyStatus status = reload();
        assertThat(status.getRejectedList()).anySatisfy(r -> {
            assertThat(r.getUnit()).isEqualTo(fx.tenant);
            assertThat(r.getProblems(0)).startsWith(fx.tenant + ".yaml:6:").contains("in 'when'");
        });
        assertThat(status.getRejectionsTotal()).isPositive();
        // the last good policy is still in force
        assertThat(call(agent1, "desk.lookup", "{\"item_id\":\"i\"}").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(refused(agent1, "desk.create_case", args).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void onlyTheBootstrapAdmin_canReloadPolicies() {
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> Clients.admin(channel, fx.agentKey)
                .reloadPolicies(ReloadPoliciesRequest.getDefaultInstance())).getStatus().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }
}
