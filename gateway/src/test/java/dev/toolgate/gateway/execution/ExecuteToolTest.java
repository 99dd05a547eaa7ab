package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.BadRequest;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@MicronautTest
class ExecuteToolTest {
    private static final String VALID = "{\"customer_id\":\"acme\",\"summary\":\"Printer on fire\",\"priority\":\"high\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    dev.toolgate.gateway.auth.Authenticator authenticator;

    @Inject
    ToolCallService calls;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub tools;
    CallRows rows;

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\",\"status\":\"open\"}"))
                .route("/broken", r -> Reply.json(500, "{\"error\":\"database on fire\"}"))
                .route("/slow", r -> new Reply(200, "application/json", "{}", 3_000))
                .route("/text", r -> new Reply(200, "text/plain", "plain words", 0))
                .route("/empty", r -> new Reply(204, "", "", 0))
                .route("/big", r -> Reply.json(200, "[" + "1,".repeat(800_000) + "1]"))
                .route("/leaky-big", r -> Reply.json(200, "{\"account\":\"ada\",\"password\":\"hunter2\",\"pad\":\""
                        + "x".repeat(1_100_000) + "\"}"))
                .route("/items/", r -> Reply.json(200, "{\"found\":true}"));
        fx = gateway.fixture();
        tools = fx.agent();
        rows = new CallRows(dataSource);
    }

    private ExecuteToolResponse execute(String tool, String args) {
        return tools.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    private StatusRuntimeException refused(String tool, String args) {
        return (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() -> execute(tool, args));
    }

    @Test
    void execute_validArguments_callsUpstreamWithSecretAndReturnsItsJson() throws Exception {
        fx.createCaseTool("/cases", 5_000);

        ExecuteToolResponse r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(VALID).setCallId("call-ok-1").setSessionId("sess-1").build());

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(r.getIsError()).isFalse();
        assertThat(r.getUpstreamStatus()).isEqualTo(201);
        assertThat(r.getCallId()).isEqualTo("call-ok-1");
        assertThat(r.getToolVersion()).isEqualTo(1);
        assertThat(JsonSupport.mapper().readTree(r.getResultJson()).get("case_id").asText()).isEqualTo("C-1");
        TestUpstream.Exchange seen = upstream.exchangesTo("/cases").get(0);
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + fx.token);
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(JsonSupport.mapper().readTree(seen.body())).isEqualTo(JsonSupport.mapper().readTree(VALID));

        Map<String, Object> row = rows.call(fx.tenant, "call-ok-1");
        assertThat(row).containsEntry("status", "SUCCEEDED").containsEntry("upstream_status", 201)
                .containsEntry("tool_name", "desk.create_case").containsEntry("tool_version", 1)
                .containsEntry("agent_id", "agent-1").containsEntry("session_id", "sess-1")
                .containsEntry("is_error", false);
        assertThat((String) row.get("result")).contains("C-1");
        assertThat(row.get("finished_at")).isNotNull();
        assertThat((Long) row.get("duration_micros")).isPositive();
    }

    @Test
    void execute_enumViolation_isInvalidArgumentOnPriorityAndUpstreamNotCalled() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_case",
                "{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"urgent\"}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(BadRequest.FieldViolation::getField).containsExactly("/priority");
        assertThat(Clients.violations(e).get(0).getDescription()).contains("low").contains("high");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "INVALID_ARGUMENTS")
                        .containsEntry("upstream_status", 0).containsEntry("tool_version", 1));
    }

    @Test
    void execute_refusalsAsResults_enumViolation_isAnOkErrorResultTheModelCanRead_andNothingIsCalled() throws Exception {
        fx.createCaseTool("/cases", 5_000);

        ExecuteToolResponse r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setCallId("as-result-1").setRefusalsAsResults(true)
                .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"urgent\"}").build());

        assertThat(r.getIsError()).isTrue();
        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_INVALID_ARGUMENTS);
        assertThat(r.getCallId()).isEqualTo("as-result-1");
        JsonNode error = JsonSupport.mapper().readTree(r.getResultJson()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(error.path("message").asText()).contains("/priority").contains("low").contains("high");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "INVALID_ARGUMENTS"));
    }

    @Test
    void execute_refusalsAsResults_unknownTool_isToolNotFoundResultWithTheCloseName() throws Exception {
        fx.createCaseTool("/cases", 5_000);

        ExecuteToolResponse r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_cas")
                .setRefusalsAsResults(true).setArgumentsJson(VALID).build());

        assertThat(r.getIsError()).isTrue();
        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_TOOL_NOT_FOUND);
        assertThat(JsonSupport.mapper().readTree(r.getResultJson()).path("error").path("message").asText())
                .contains("desk.create_case");
    }

    @Test
    void execute_strictModeNullForAnOptionalArgument_isTakenAsAbsent_andNotSentUpstream() throws Exception {
        fx.admin().upsertHttpTool(dev.toolgate.proto.v1.UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("desk").setName("note_case").setDescription("Open a case with an optional note")
                .setMethod("POST").setPath("/cases")
                .setInputSchemaJson("""
                        {"type":"object","properties":{"summary":{"type":"string"},"note":{"type":"string"}},
                         "required":["summary"],"additionalProperties":false}""").build());

        ExecuteToolResponse r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk__note_case")
                .setArgumentsJson("{\"summary\":\"Printer on fire\",\"note\":null}").build());
        StatusRuntimeException required = refused("desk.note_case", "{\"summary\":null}");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(JsonSupport.mapper().readTree(upstream.exchangesTo("/cases").get(0).body()).toString())
                .isEqualTo("{\"summary\":\"Printer on fire\"}");
        assertThat(required.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(required)).extracting(BadRequest.FieldViolation::getField).containsExactly("/summary");
    }

    @Test
    void execute_missingFields_listsEveryMissingField() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_case", "{}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder("/customer_id", "/summary", "/priority");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void execute_wrongTypesAndExtraField_reportsAllViolationsAtOnce() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_case",
                "{\"customer_id\":7,\"summary\":\"\",\"priority\":\"low\",\"extra\":true}");

        assertThat(Clients.violations(e)).extracting(BadRequest.FieldViolation::getField)
                .contains("/customer_id", "/summary");
        assertThat(Clients.violations(e)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void execute_notJson_isInvalidArgumentWithClearMessage() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_case", "{customer_id: acme");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("not valid JSON").contains("line 1");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "INVALID_ARGUMENTS"));
    }

    @Test
    void execute_arrayInsteadOfObject_isInvalidArgument() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_case", "[1,2]");

        assertThat(e.getStatus().getDescription()).contains("must be a JSON object");
    }

    @Test
    void execute_nestingTooDeep_isRefusedBeforeValidation() {
        fx.createCaseTool("/cases", 5_000);
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);

        StatusRuntimeException e = refused("desk.create_case", deep);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("nested deeper than 32");
    }

    @Test
    void execute_documentTooLarge_isRefused() {
        fx.createCaseTool("/cases", 5_000);
        String big = "{\"customer_id\":\"" + "x".repeat(300_000) + "\"}";

        StatusRuntimeException e = refused("desk.create_case", big);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("exceeds the limit of 262144 bytes");
    }

    @Test
    void execute_unknownTool_isNotFoundWithCloseNames() {
        fx.createCaseTool("/cases", 5_000);

        StatusRuntimeException e = refused("desk.create_cas", VALID);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("did you mean: desk.create_case");
        assertThat(Clients.errorInfo(e).getMetadataMap()).containsEntry("did_you_mean", "desk.create_case");
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "TOOL_NOT_FOUND"));
    }

    @Test
    void execute_upstream500_isErrorResultNotGrpcFailure() {
        fx.createCaseTool("/broken", 5_000);

        ExecuteToolResponse r = execute("desk.create_case", VALID);

        assertThat(r.getIsError()).isTrue();
        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_UPSTREAM_ERROR);
        assertThat(r.getUpstreamStatus()).isEqualTo(500);
        assertThat(r.getResultJson()).contains("database on fire");
        assertThat(rows.call(fx.tenant, r.getCallId())).containsEntry("status", "UPSTREAM_ERROR")
                .containsEntry("upstream_status", 500).containsEntry("is_error", true);
    }

    @Test
    void execute_upstreamHangsPastToolTimeout_isDeadlineExceededAndRecordedAsTimeout() {
        fx.createCaseTool("/slow", 300);

        StatusRuntimeException e = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                        .setArgumentsJson(VALID).setCallId("call-slow").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("UPSTREAM_TIMEOUT");
        assertThat(Clients.errorInfo(e).getMetadataMap()).containsEntry("call_id", "call-slow");
        Map<String, Object> row = rows.call(fx.tenant, "call-slow");
        assertThat(row).containsEntry("status", "TIMEOUT").containsEntry("is_error", true);
        assertThat((String) row.get("error")).contains("did not answer within 300 ms");
    }

    @Test
    void execute_clientDeadlineShorterThanToolTimeout_bindsTheUpstreamCall() {
        fx.createCaseTool("/slow", 10_000);

        assertThatThrownBy(() -> tools.withDeadlineAfter(400, TimeUnit.MILLISECONDS)
                .executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setArgumentsJson(VALID)
                        .setCallId("call-client-deadline").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        dev.toolgate.gateway.support.Eventually.within(java.time.Duration.ofSeconds(5), () ->
                assertThat(rows.call(fx.tenant, "call-client-deadline")).containsEntry("status", "TIMEOUT"));
    }

    @Test
    void execute_upstreamDown_isUnavailableAndRecorded() throws IOException {
        int closedPort = dev.toolgate.gateway.support.Ports.free();
        TenantFixture down = TenantFixture.create(channel, "http://127.0.0.1:" + closedPort);
        down.createCaseTool("/cases", 2_000);

        StatusRuntimeException e = (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(() ->
                Clients.tools(channel, down.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                        .setTool("desk.create_case").setArgumentsJson(VALID).setCallId("call-down").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("UPSTREAM_UNAVAILABLE");
        assertThat(rows.call(down.tenant, "call-down")).containsEntry("status", "UPSTREAM_UNAVAILABLE");
    }

    @Test
    void execute_nonJsonBody_isWrappedWithContentType() throws Exception {
        fx.createCaseTool("/text", 5_000);

        JsonNode result = JsonSupport.mapper().readTree(execute("desk.create_case", VALID).getResultJson());

        assertThat(result.get("content_type").asText()).isEqualTo("text/plain");
        assertThat(result.get("text").asText()).isEqualTo("plain words");
    }

    @Test
    void execute_emptyBody_isJsonNull() {
        fx.createCaseTool("/empty", 5_000);

        ExecuteToolResponse r = execute("desk.create_case", VALID);

        assertThat(r.getUpstreamStatus()).isEqualTo(204);
        assertThat(r.getResultJson()).isEqualTo("null");
    }

    @Test
    void execute_bodyOverCap_isTruncatedAndWrapped() throws Exception {
        fx.createCaseTool("/big", 5_000);

        ExecuteToolResponse r = execute("desk.create_case", VALID);

        assertThat(r.getResultTruncated()).isTrue();
        JsonNode result = JsonSupport.mapper().readTree(r.getResultJson());
        assertThat(result.get("truncated").asBoolean()).isTrue();
        assertThat(result.get("text").asText()).hasSize(1024 * 1024);
    }

    @Test
    void aSecretInABodyCutAtTheCap_isMaskedInTheCallRecordAndTheCard() {
        fx.createCaseTool("/leaky-big", 5_000);

        ExecuteToolResponse r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(VALID).setCallId("call-leaky").build());

        assertThat(r.getResultTruncated()).isTrue(); // kept as text: not JSON once cut, so no key was masked
        assertThat(r.getCard().getResultSummary()).contains("account").doesNotContain("hunter2");
        assertThat(String.valueOf(rows.call(fx.tenant, "call-leaky").get("result"))).contains("ada")
                .doesNotContain("hunter2");
    }

    @Test
    void execute_pathQueryAndHeaderBindings_renderEncodedRequest() {
        fx.lookupTool("lookup");

        execute("desk.lookup", "{\"item_id\":\"a b/c?d\",\"tags\":[\"x&y\",\"z\"],\"locale\":\"de-CH\",\"limit\":5}");

        TestUpstream.Exchange seen = upstream.exchangesTo("/items/").get(0);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/items/a%20b%2Fc%3Fd?tag=x%26y&tag=z&limit=5");
        assertThat(seen.header("Accept-Language")).isEqualTo("de-CH");
        assertThat(seen.body()).isEmpty();
    }

    @Test
    void execute_headerArgumentWithLineBreak_isRefusedAndNotSent() {
        fx.lookupTool("lookup");

        StatusRuntimeException e = refused("desk.lookup", "{\"item_id\":\"1\",\"locale\":\"de\\r\\nX-Evil: 1\"}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(BadRequest.FieldViolation::getField).containsExactly("/locale");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void execute_reusedCallId_isAnsweredWithTheFirstOutcomeAndUpstreamCalledOnce() {
        fx.createCaseTool("/cases", 5_000);
        ExecuteToolRequest request = ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(VALID).setCallId("call-once").build();
        ExecuteToolResponse first = tools.executeTool(request);

        ExecuteToolResponse again = tools.executeTool(request);

        assertThat(again.getReplayed()).isTrue();
        assertThat(first.getReplayed()).isFalse();
        assertThat(again.getResultJson()).isEqualTo(first.getResultJson());
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
        assertThat(rows.calls(fx.tenant)).extracting(r -> r.get("status"))
                .containsExactly("SUCCEEDED", "DUPLICATE_CALL_ID");
    }

    @Test
    void execute_nulCharactersInInput_areStillRecorded() {
        fx.createCaseTool("/cases", 5_000);

        assertThatThrownBy(() -> execute("desk.create\u0000case", VALID)).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> execute("desk.create_case", "{\"customer_id\":\"a\u0000\"}"))
                .isInstanceOf(StatusRuntimeException.class);

        assertThat(rows.calls(fx.tenant)).extracting(r -> r.get("status"))
                .containsExactly("INVALID_ARGUMENTS", "INVALID_ARGUMENTS");
    }

    @Test
    void execute_refusedCallId_canBeRetriedWithFixedArguments_thenNotAgain() {
        fx.createCaseTool("/cases", 5_000);
        ExecuteToolRequest.Builder request = ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId("retry-me");

        assertThatThrownBy(() -> tools.executeTool(request.setArgumentsJson("{}").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(tools.executeTool(request.setArgumentsJson(VALID).build()).getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(tools.executeTool(request.setArgumentsJson(VALID).build()).getReplayed()).isTrue();

        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
        assertThat(rows.calls(fx.tenant)).extracting(r -> r.get("status"))
                .containsExactly("INVALID_ARGUMENTS", "SUCCEEDED", "DUPLICATE_CALL_ID");
    }

    @Test
    void execute_clientDeadlineAlreadyPassed_isRecordedAsTimeoutWithoutCallingUpstream() {
        fx.createCaseTool("/cases", 5_000);
        dev.toolgate.gateway.auth.Principal agent = authenticator.authenticate("Bearer " + fx.agentKey);

        dev.toolgate.gateway.error.GatewayException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                dev.toolgate.gateway.error.GatewayException.class, () -> calls.execute(agent, new ExecuteCommand(
                        "desk.create_case", VALID, "late-1", "", java.util.Optional.of(java.time.Duration.ZERO))));

        assertThat(e.code()).isEqualTo(dev.toolgate.gateway.error.ErrorCode.DEADLINE_EXCEEDED);
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(rows.call(fx.tenant, "late-1")).containsEntry("status", "TIMEOUT");
    }

    @Test
    void execute_badCallId_isInvalidArgumentAndStillRecorded() {
        fx.createCaseTool("/cases", 5_000);

        assertThatThrownBy(() -> tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson(VALID).setCallId("has spaces").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(Clients.violations(e)).extracting(BadRequest.FieldViolation::getField)
                                .containsExactly("call_id"));
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "INVALID_ARGUMENTS"));
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void execute_secretDeleted_isFailedPreconditionNamingTheSecret() {
        fx.createCaseTool("/cases", 5_000);
        fx.admin().deleteSecret(dev.toolgate.proto.v1.DeleteSecretRequest.newBuilder().setTenant(fx.tenant)
                .setName("desk_token").build());

        StatusRuntimeException e = refused("desk.create_case", VALID);

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("desk_token");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(rows.calls(fx.tenant)).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("status", "FAILED"));
    }

    @Test
    void execute_toolChanged_recordsTheVersionThatRan() {
        fx.createCaseTool("/cases", 5_000);
        fx.createCaseTool("/cases", 6_000);

        ExecuteToolResponse r = execute("desk.create_case", VALID);

        assertThat(r.getToolVersion()).isEqualTo(2);
        assertThat(rows.call(fx.tenant, r.getCallId())).containsEntry("tool_version", 2);
    }

    @Test
    void listTools_returnsSchemaAndAnnotations() {
        fx.createCaseTool("/cases", 5_000);
        fx.lookupTool("lookup");

        List<dev.toolgate.proto.v1.Tool> listed = tools.listTools(
                dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList();

        assertThat(listed).extracting(dev.toolgate.proto.v1.Tool::getName)
                .containsExactly("desk.create_case", "desk.lookup");
        assertThat(listed.get(1).getAnnotations().getReadOnly()).isTrue();
        assertThat(listed.get(0).getInputSchemaJson()).contains("\"priority\"");
        assertThat(listed.get(0).getTimeout().getSeconds()).isEqualTo(5);
    }
}
