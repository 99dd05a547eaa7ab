package dev.toolgate.gateway.skills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.ErrorInfo;
import dev.toolgate.gateway.telemetry.CallSpans;
import io.micronaut.runtime.server.EmbeddedServer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AddSkillToolsRequest;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.AssignSkillRequest;
import dev.toolgate.proto.v1.AttachSkillSecretRequest;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateSkillRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListSkillsRequest;
import dev.toolgate.proto.v1.ListSkillsResponse;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Skills on PostgreSQL with real gRPC and a real upstream on 127.0.0.1 that records the credential
 * each request carries: one integration ({@code desk}) attached to two skills with different
 * secrets; keys assigned one, both or none of them; a key whose skill holds another tool only.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SkillsTest implements TestPropertyProvider {
    private static final Path DIR = PolicyFiles.newDirectory("toolgate-skill-policies");
    private static final String CASE = "{\"customer_id\":\"c-1\",\"summary\":\"printer on fire\",\"priority\":\"high\"}";
    private static final String SALES_TOKEN = "tok-sales-7f3a";
    private static final String SUPPORT_TOKEN = "tok-support-91c2";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    TestUpstream upstream;
    TenantFixture fx;
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub sales;
    ToolServiceGrpc.ToolServiceBlockingStub support;
    ToolServiceGrpc.ToolServiceBlockingStub both;
    ToolServiceGrpc.ToolServiceBlockingStub lookupsOnly;
    String lookupsOnlyKeyId;
    final Map<String, String> apiKeys = new java.util.HashMap<>();

    @Inject
    EmbeddedServer http;

    @Inject
    InMemorySpanExporter spans;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms",
                "test.telemetry", "memory");
    }

    @BeforeEach
    void setUp() {
        upstream = gateway.upstream()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))
                .route("/refunds", r -> Reply.json(200, "{\"refunded\":true}"))
                .route("/items/", r -> Reply.json(200, "{\"found\":true}"));
        fx = gateway.fixture();
        admin = fx.admin();
        PolicyFiles.write(DIR, fx.tenant, """
                rules:
                  - id: no-lookups-under-the-lookups-skill
                    effect: deny
                    tools: [desk.lookup]
                    agents: ["*"]
                    when: skill.name == "lookups"
                    reason: the lookups skill is retired
                  - id: everything
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """);
        assertThat(Clients.bootstrapAdmin(gateway.channel()).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance())
                .getRejectedList()).isEmpty();
        fx.createCaseTool("/cases", 5000);
        fx.lookupTool("lookup");
        admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"}}}")
                .setAnnotations(ToolAnnotations.newBuilder().setRequiresConfirmation(true)).build());
        putSecret("sales_token", SALES_TOKEN);
        putSecret("support_token", SUPPORT_TOKEN);
        admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("sales")
                .setDescription("Sales desk").addTools("desk").build());
        admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("support")
                .addTools("desk.create_*").addTools("desk.refund").build());
        admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("lookups")
                .addTools("desk.look?p").build());
        attach("sales", "sales_token");
        attach("support", "support_token");
        sales = keyWith("sales-bot", "sales");
        support = keyWith("support-bot", "support");
        both = keyWith("both-bot", "sales", "support");
        String[] id = new String[1];
        lookupsOnly = keyWith("lookup-bot", id, "lookups");
        lookupsOnlyKeyId = id[0];
    }

    @AfterEach
    void tearDown() {
        PolicyFiles.delete(DIR, fx.tenant);
    }

    @Test
    void theSameIntegration_underTwoSkills_reachesTheUpstreamWithEachSkillsOwnSecret() {
        assertThat(call(sales, "desk.create_case", "", "s-1").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(call(support, "desk.create_case", "", "p-1").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(call(both, "desk.create_case", "support", "b-1").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(call(both, "desk.create_case", "sales", "b-2").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(call(fx.agent(), "desk.create_case", "", "t-1").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED); // a key with no skill: the tenant's secret, as before

        assertThat(upstream.exchangesTo("/cases")).extracting(e -> e.header("Authorization")).containsExactly(
                "Bearer " + SALES_TOKEN, "Bearer " + SUPPORT_TOKEN, "Bearer " + SUPPORT_TOKEN, "Bearer " + SALES_TOKEN,
                "Bearer " + fx.token);
        CallRows rows = gateway.rows();
        assertThat(rows.call(fx.tenant, "s-1").get("skill")).isEqualTo("sales");
        assertThat(rows.call(fx.tenant, "p-1").get("skill")).isEqualTo("support");
        assertThat(rows.call(fx.tenant, "b-1").get("skill")).isEqualTo("support");
        assertThat(rows.call(fx.tenant, "b-2").get("skill")).isEqualTo("sales");
        assertThat(rows.call(fx.tenant, "t-1").get("skill")).isEqualTo("");
        assertThat(sales.getToolCall(dev.toolgate.proto.v1.GetToolCallRequest.newBuilder().setCallId("s-1").build())
                .getSkill()).isEqualTo("sales");
        assertThat(admin.queryCalls(dev.toolgate.proto.v1.QueryCallsRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("support").build()).getCallsList()).extracting(c -> c.getCallId())
                .containsExactlyInAnyOrder("p-1", "b-1");
    }

    @Test
    void theSkillIsOnTheSpan() {
        spans.reset();
        call(sales, "desk.create_case", "", "span-1");
        call(fx.agent(), "desk.create_case", "", "span-2");

        List<SpanData> calls = spans.getFinishedSpanItems().stream()
                .filter(sp -> sp.getName().equals("execute_tool desk.create_case")).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls).extracting(sp -> sp.getAttributes().get(CallSpans.SKILL)).containsExactlyInAnyOrder("sales",
                null);
    }

    @Test
    void overMcp_toolsListShowsOnlyTheSkillsTools_andMetaNamesTheSkill() throws Exception {
        JsonNode listed = mcp(apiKeys.get("lookup-bot"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(listed.path("result").path("tools").findValuesAsText("name")) // besides the built-ins
                .containsExactly("toolgate__search_tools", "toolgate__session_summary", "desk__lookup");
        JsonNode hidden = mcp(apiKeys.get("lookup-bot"), callJson("desk__create_case", ""));
        JsonNode absent = mcp(apiKeys.get("lookup-bot"), callJson("desk__create_cass", ""));
        assertThat(hidden.path("error").path("message").asText().replace("create_case", "X"))
                .isEqualTo(absent.path("error").path("message").asText().replace("create_cass", "X"));
        assertThat(upstream.exchanges()).isEmpty();

        JsonNode underSupport = mcp(apiKeys.get("both-bot"), callJson("desk__create_case", "support"));
        assertThat(underSupport.path("result").path("isError").asBoolean()).as(underSupport.toString()).isFalse();
        JsonNode ambiguous = mcp(apiKeys.get("both-bot"), callJson("desk__create_case", ""));
        assertThat(ambiguous.path("result").path("isError").asBoolean()).isTrue();
        assertThat(ambiguous.toString()).contains("SKILL_AMBIGUOUS");
        assertThat(upstream.exchangesTo("/cases")).extracting(e -> e.header("Authorization"))
                .containsExactly("Bearer " + SUPPORT_TOKEN);
    }

    private static String callJson(String tool, String skill) {
        return "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + CASE + (skill.isEmpty() ? "" : ",\"_meta\":{\"dev.toolgate/skill\":\"" + skill
                + "\"}") + "}}";
    }

    private JsonNode mcp(String key, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void aToolInSeveralSkillsOfTheKey_withoutASkillNamed_isRefusedAsAmbiguous_andNothingIsSent() {
        StatusRuntimeException e = refused(() -> call(both, "desk.create_case", "", "amb-1"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SKILL_AMBIGUOUS");
        assertThat(e.getStatus().getDescription()).contains("[sales, support]").contains("ExecuteToolRequest.skill");
        assertThat(upstream.exchanges()).isEmpty();
        // a tool only one of its skills includes needs no name
        assertThat(call(both, "desk.lookup", "", "amb-2", "{\"item_id\":\"i-1\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/items/").get(0).header("Authorization")).isEqualTo("Bearer " + SALES_TOKEN);
    }

    @Test
    void aSkillWithoutAnAttachedSecret_neverBorrowsTheTenantsNorAnotherSkills() {
        admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("bare").addTools("desk").build());
        ToolServiceGrpc.ToolServiceBlockingStub bare = keyWith("bare-bot", "bare");

        StatusRuntimeException e = refused(() -> call(bare, "desk.create_case", "", "bare-1"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SECRET_NOT_FOUND");
        assertThat(e.getStatus().getDescription()).contains("skill 'bare'").contains("no secret attached")
                .doesNotContain(SALES_TOKEN).doesNotContain(fx.token);
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(gateway.rows().call(fx.tenant, "bare-1").get("skill")).isEqualTo("bare");
    }

    @Test
    void anAgentWithoutTheSkill_neitherSeesNorCallsItsTools_andTheRefusalIsThatOfAToolThatDoesNotExist() {
        assertThat(names(lookupsOnly.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()))
                .containsExactly("desk.lookup");
        assertThat(lookupsOnly.exportTools(ExportToolsRequest.newBuilder().setFormat(ExportFormat.EXPORT_FORMAT_OPENAI)
                .build()).getToolsJson()).contains("desk__lookup").doesNotContain("create_case").doesNotContain("refund");

        StatusRuntimeException hidden = refused(() -> lookupsOnly.getTool(GetToolRequest.newBuilder()
                .setName("desk.create_case").build()));
        StatusRuntimeException absent = refused(() -> lookupsOnly.getTool(GetToolRequest.newBuilder()
                .setName("desk.create_cass").build()));
        assertSameRefusal(hidden, absent, "desk.create_case", "desk.create_cass");

        StatusRuntimeException calledHidden = refused(() -> call(lookupsOnly, "desk.create_case", "", "h-1"));
        StatusRuntimeException calledAbsent = refused(() -> call(lookupsOnly, "desk.create_cass", "", "h-2"));
        assertSameRefusal(calledHidden, calledAbsent, "desk.create_case", "desk.create_cass");
        assertThat(calledHidden.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Clients.errorInfo(calledHidden).getReason()).isEqualTo("TOOL_NOT_FOUND");
        assertThat(calledAbsent.getStatus().toString()).doesNotContain("create_case"); // no "did you mean" either
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(gateway.rows().call(fx.tenant, "h-1").get("status")).isEqualTo("TOOL_NOT_FOUND");
    }

    @Test
    void assigningTheFirstSkill_narrowsAKeyAtOnce_andUnassigningTheLastRestoresTheTenantWideView() {
        CreateApiKeyRequest create = CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("late-bot")
                .addScopes("tools:call").build();
        var issued = admin.createApiKey(create);
        ToolServiceGrpc.ToolServiceBlockingStub late = Clients.tools(gateway.channel(), issued.getApiKey());
        assertThat(names(late.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()))
                .contains("desk.create_case", "desk.lookup", "desk.refund");

        admin.assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill("lookups")
                .setKeyId(issued.getKeyId()).build());
        assertThat(names(late.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()))
                .containsExactly("desk.lookup");

        admin.unassignSkill(dev.toolgate.proto.v1.UnassignSkillRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("lookups").setKeyId(issued.getKeyId()).build());
        assertThat(names(late.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()))
                .contains("desk.create_case", "desk.lookup", "desk.refund");
    }

    @Test
    void aCallNamingASkillTheKeyIsNotAssigned_isRefused_existingOrNot_andNothingIsSent() {
        StatusRuntimeException other = refused(() -> call(sales, "desk.create_case", "support", "na-1"));
        StatusRuntimeException unknown = refused(() -> call(sales, "desk.create_case", "no_such_skill", "na-2"));
        StatusRuntimeException unknownTool = refused(() -> call(sales, "desk.no_such_tool", "support", "na-3"));

        for (StatusRuntimeException e : List.of(other, unknown, unknownTool)) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SKILL_NOT_ASSIGNED");
            assertThat(e.getStatus().getDescription()).contains("is not assigned to this API key")
                    .contains("its skills are [sales]");
        }
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(gateway.rows().call(fx.tenant, "na-1").get("status")).isEqualTo("DENIED");
        assertThat(gateway.rows().call(fx.tenant, "na-1").get("skill")).isEqualTo("");
        // a key with no skill may not name one either
        StatusRuntimeException tenantWide = refused(() -> call(fx.agent(), "desk.create_case", "sales", "na-4"));
        assertThat(Clients.errorInfo(tenantWide).getReason()).isEqualTo("SKILL_NOT_ASSIGNED");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void aNamedSkillWithoutTheTool_isRefused_evenWhenAnotherSkillOfTheKeyHasIt() {
        admin.addSkillTools(AddSkillToolsRequest.newBuilder().setTenant(fx.tenant).setSkill("lookups")
                .addTools("desk.lookup").build());
        String[] id = new String[1];
        ToolServiceGrpc.ToolServiceBlockingStub key = keyWith("mixed-bot", id, "lookups", "support");

        StatusRuntimeException e = refused(() -> call(key, "desk.create_case", "lookups", "ns-1"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("TOOL_NOT_IN_SKILL");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void policiesDecideOnTopOfSkills_withSkillName() {
        String[] id = new String[1];
        ToolServiceGrpc.ToolServiceBlockingStub key = keyWith("policy-bot", id, "lookups", "sales");
        StatusRuntimeException denied = refused(() -> call(key, "desk.lookup", "lookups", "pol-1",
                "{\"item_id\":\"i-1\"}"));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(denied).getReason()).isEqualTo("POLICY_DENIED");
        assertThat(denied.getStatus().getDescription()).isEqualTo("the lookups skill is retired");

        assertThat(call(key, "desk.lookup", "sales", "pol-2", "{\"item_id\":\"i-1\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/items/")).hasSize(1);
    }

    @Test
    void anApprovedHeldCall_isSentWithTheCredentialsOfTheSkillItWasHeldUnder() {
        ToolServiceGrpc.ToolServiceBlockingStub approver = fx.toolsAs("lead", "tools:confirm");
        ExecuteToolResponse heldSupport = call(both, "desk.refund", "support", "hold-1", "{\"order_id\":\"o-1\"}");
        ExecuteToolResponse heldSales = call(both, "desk.refund", "sales", "hold-2", "{\"order_id\":\"o-2\"}");
        assertThat(heldSupport.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(heldSales.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(upstream.exchanges()).isEmpty();

        ToolCall approved = approver.confirmToolCall(ConfirmToolCallRequest.newBuilder().setCallId("hold-1")
                .setApprove(true).setReason("ok").build());
        ToolCall approved2 = approver.confirmToolCall(ConfirmToolCallRequest.newBuilder().setCallId("hold-2")
                .setApprove(true).setReason("ok").build());

        assertThat(approved.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(approved2.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        // the approver's key has no skill: the call still goes out with the skill it was held under
        assertThat(upstream.exchangesTo("/refunds")).extracting(x -> x.header("Authorization"))
                .containsExactly("Bearer " + SUPPORT_TOKEN, "Bearer " + SALES_TOKEN);
        assertThat(gateway.rows().call(fx.tenant, "hold-1").get("skill")).isEqualTo("support");
    }

    @Test
    void aHeldCallWhoseSkillWasDeleted_isNotSentWithAnyOtherCredential() {
        ToolServiceGrpc.ToolServiceBlockingStub approver = fx.toolsAs("lead", "tools:confirm");
        ToolServiceGrpc.ToolServiceBlockingStub temp = keyWith("temp-bot", "support");
        assertThat(call(temp, "desk.refund", "", "gone-1", "{\"order_id\":\"o-1\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        admin.deleteSkill(dev.toolgate.proto.v1.DeleteSkillRequest.newBuilder().setTenant(fx.tenant)
                .setName("support").build());

        StatusRuntimeException e = refused(() -> approver.confirmToolCall(ConfirmToolCallRequest.newBuilder()
                .setCallId("gone-1").setApprove(true).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("SKILL_NOT_FOUND");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(gateway.rows().call(fx.tenant, "gone-1").get("status")).isEqualTo("FAILED");
    }

    @Test
    void badInput_getsClearErrors_andChangesNothing() {
        ListSkillsResponse before = list();

        assertRefused(() -> admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("sales")
                .build()), Status.Code.ALREADY_EXISTS, "SKILL_EXISTS", "skill 'sales' already exists");
        assertRefused(() -> admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("Bad Name")
                .build()), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "name");
        assertRefused(() -> admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("fresh")
                .addTools("desk.[a-z]").build()), Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
                "tool entry 'desk.[a-z]' is neither an integration name");
        assertRefused(() -> admin.createSkill(CreateSkillRequest.newBuilder().setTenant(fx.tenant).setName("fresh")
                .addTools("dsk").build()), Status.Code.NOT_FOUND, "INTEGRATION_NOT_FOUND", "integration 'dsk'");
        assertRefused(() -> admin.addSkillTools(AddSkillToolsRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("no_such").addTools("desk").build()), Status.Code.NOT_FOUND, "SKILL_NOT_FOUND",
                "skill 'no_such' does not exist");
        assertRefused(() -> admin.addSkillTools(AddSkillToolsRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("sales").addTools("desk.ok_*").addTools("desk..x").build()), Status.Code.INVALID_ARGUMENT,
                "INVALID_ARGUMENT", "desk..x");
        assertRefused(() -> admin.attachSkillSecret(AttachSkillSecretRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("sales").setIntegration("desk").setSlot("desk_token").setSecret("nope").build()),
                Status.Code.NOT_FOUND, "SECRET_NOT_FOUND", "secret 'nope' does not exist");
        assertRefused(() -> admin.attachSkillSecret(AttachSkillSecretRequest.newBuilder().setTenant(fx.tenant)
                .setSkill("sales").setIntegration("desk").setSlot("other_slot").setSecret("support_token").build()),
                Status.Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", "its slots (the secret names its auth and security"
                        + " schemes use) are [desk_token]");
        assertRefused(() -> admin.assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill("sales")
                .setKeyId("key_nope").build()), Status.Code.NOT_FOUND, "API_KEY_NOT_FOUND", "key_nope");
        assertRefused(() -> admin.assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill("nope")
                .setKeyId(lookupsOnlyKeyId).build()), Status.Code.NOT_FOUND, "SKILL_NOT_FOUND", "skill 'nope'");
        // another tenant's admin sees neither this tenant nor its skills
        String otherTenant = "t-" + java.util.UUID.randomUUID().toString().substring(0, 12);
        Clients.bootstrapAdmin(gateway.channel()).createTenant(dev.toolgate.proto.v1.CreateTenantRequest.newBuilder()
                .setId(otherTenant).build());
        String otherAdmin = Clients.bootstrapAdmin(gateway.channel()).createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(otherTenant).setAgentId("admin").addScopes("admin").build()).getApiKey();
        assertRefused(() -> Clients.admin(gateway.channel(), otherAdmin).assignSkill(AssignSkillRequest.newBuilder()
                .setTenant(fx.tenant).setSkill("sales").setKeyId(lookupsOnlyKeyId).build()), Status.Code.NOT_FOUND,
                "TENANT_NOT_FOUND", "does not exist");

        assertThat(list()).isEqualTo(before);
    }

    @Test
    void listSkills_showsToolsSecretNamesAndKeys_butNoSecretValue() {
        ListSkillsResponse skills = list();

        assertThat(skills.getSkillsList()).extracting(s -> s.getName()).containsExactly("lookups", "sales", "support");
        var salesSkill = skills.getSkills(1);
        assertThat(salesSkill.getDescription()).isEqualTo("Sales desk");
        assertThat(salesSkill.getToolsList()).containsExactly("desk");
        assertThat(salesSkill.getSecrets(0).getIntegration()).isEqualTo("desk");
        assertThat(salesSkill.getSecrets(0).getSlot()).isEqualTo("desk_token");
        assertThat(salesSkill.getSecrets(0).getSecret()).isEqualTo("sales_token");
        assertThat(salesSkill.getKeyIdsCount()).isEqualTo(2); // sales-bot and both-bot
        assertThat(skills.toString()).doesNotContain(SALES_TOKEN).doesNotContain(SUPPORT_TOKEN);
    }

    private ListSkillsResponse list() {
        return admin.listSkills(ListSkillsRequest.newBuilder().setTenant(fx.tenant).build());
    }

    private void putSecret(String name, String value) {
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName(name).setValue(value).build());
    }

    private void attach(String skill, String secret) {
        admin.attachSkillSecret(AttachSkillSecretRequest.newBuilder().setTenant(fx.tenant).setSkill(skill)
                .setIntegration("desk").setSlot("desk_token").setSecret(secret).build());
    }

    private ToolServiceGrpc.ToolServiceBlockingStub keyWith(String agent, String... skills) {
        return keyWith(agent, new String[1], skills);
    }

    private ToolServiceGrpc.ToolServiceBlockingStub keyWith(String agent, String[] keyId, String... skills) {
        var issued = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId(agent)
                .addScopes("tools:call").build());
        keyId[0] = issued.getKeyId();
        apiKeys.put(agent, issued.getApiKey());
        for (String skill : skills) {
            admin.assignSkill(AssignSkillRequest.newBuilder().setTenant(fx.tenant).setSkill(skill)
                    .setKeyId(issued.getKeyId()).build());
        }
        return Clients.tools(gateway.channel(), issued.getApiKey());
    }

    private static ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub stub, String tool, String skill,
            String callId) {
        return call(stub, tool, skill, callId, CASE);
    }

    private static ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub stub, String tool, String skill,
            String callId, String args) {
        return stub.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).setSkill(skill)
                .setCallId(callId).build());
    }

    private static StatusRuntimeException refused(Supplier<?> rpc) {
        return catchThrowableOfType(StatusRuntimeException.class, rpc::get);
    }

    private static void assertRefused(Supplier<?> rpc, Status.Code code, String reason, String message) {
        StatusRuntimeException e = refused(rpc);
        assertThat(e).as("expected a refusal").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(code);
        ErrorInfo info = Clients.errorInfo(e);
        assertThat(info.getReason()).isEqualTo(reason);
        assertThat(e.getStatus().getDescription()).contains(message);
    }

    private static void assertSameRefusal(StatusRuntimeException hidden, StatusRuntimeException absent,
            String hiddenName, String absentName) {
        assertThat(hidden.getStatus().getCode()).isEqualTo(absent.getStatus().getCode());
        assertThat(Clients.errorInfo(hidden).getReason()).isEqualTo(Clients.errorInfo(absent).getReason());
        assertThat(hidden.getStatus().getDescription().replace(hiddenName, "X"))
                .isEqualTo(absent.getStatus().getDescription().replace(absentName, "X"));
    }

    private static List<String> names(List<Tool> tools) {
        return tools.stream().map(Tool::getName).toList();
    }
}
