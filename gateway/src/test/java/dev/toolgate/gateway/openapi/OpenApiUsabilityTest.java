package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.FormatChecks;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 24's usability items on document fragments, imported over gRPC and called against a real
 * upstream on 127.0.0.1 that records what it receives: formats asserted or annotated per
 * integration and per tool, AWS-style parameter names with operators, and an optional body with
 * required properties flattened.
 */
@MicronautTest
class OpenApiUsabilityTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    TestUpstream upstream;
    String tenant;
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub tools;

    @BeforeEach
    void setUp() throws Exception {
        upstream = TestUpstream.start().route("/", r -> Reply.json(200, "{\"ok\":true}"));
        admin = Clients.bootstrapAdmin(channel);
        tenant = "ou-" + UUID.randomUUID().toString().substring(0, 10);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        tools = Clients.tools(channel, admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant)
                .setAgentId("bot").build()).getApiKey());
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    private ImportOpenApiResponse importDoc(String integration, String document, OpenApiImportOptions.Builder options) {
        return admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration(integration)
                .setDocument(document).setOptions(options.setBaseUrl(upstream.baseUrl())).build());
    }

    private ExecuteToolResponse call(String tool, String args) {
        return tools.executeTool(ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson(args).build());
    }

    private StatusRuntimeException refusedCall(String tool, String args) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> call(tool, args));
    }

    private Tool tool(String name) {
        return tools.getTool(GetToolRequest.newBuilder().setName(name).build());
    }

    private JsonNode inputSchema(String name) throws Exception {
        return JsonSupport.mapper().readTree(tool(name).getInputSchemaJson());
    }

    private TestUpstream.Exchange last() {
        List<TestUpstream.Exchange> all = upstream.exchanges();
        assertThat(all).isNotEmpty();
        return all.get(all.size() - 1);
    }

    /** The query of a request as decoded {@code name=value} pairs, in order. */
    private static List<String> query(TestUpstream.Exchange e) {
        int q = e.uri().indexOf('?');
        List<String> out = new ArrayList<>();
        if (q >= 0) {
            for (String pair : e.uri().substring(q + 1).split("&")) {
                out.add(URLDecoder.decode(pair, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    // 1. formats: asserted or annotations, per integration and per tool

    static final String EVENTS = """
            openapi: 3.0.3
            info: {title: events, version: "1"}
            servers: [{url: https://events.invalid}]
            paths:
              /events:
                get:
                  operationId: listEvents
                  parameters:
                    - name: since
                      in: query
                      description: Only events on or after this day, as YYYY-MM-DD.
                      schema: {type: string, format: date-time}
                  responses: {'200': {description: ok}}
              /events/{id}:
                get:
                  operationId: getEvent
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void formats_areAssertedByDefault_aDateForADateTimeIsRefusedBeforeAnythingIsSent() throws Exception {
        importDoc("events", EVENTS, OpenApiImportOptions.newBuilder());

        StatusRuntimeException e = refusedCall("events.list_events", "{\"since\":\"2026-12-01\"}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("/since").contains("date-time");
        assertThat(upstream.exchanges()).isEmpty();
        assertThat(tool("events.list_events").getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ASSERT);
        assertThat(call("events.list_events", "{\"since\":\"2026-12-01T00:00:00Z\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void formats_annotatedForTheIntegration_passTheValueToTheUpstreamAndKeepFormatInTheSchema() throws Exception {
        importDoc("events", EVENTS, OpenApiImportOptions.newBuilder()
                .setFormatChecks(FormatChecks.FORMAT_CHECKS_ANNOTATE));

        ExecuteToolResponse since = call("events.list_events", "{\"since\":\"2026-12-01\"}");
        assertThat(since.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(last())).containsExactly("since=2026-12-01");
        ExecuteToolResponse id = call("events.get_event", "{\"id\":\"not-a-uuid\"}");
        assertThat(id.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(last().uri()).isEqualTo("/events/not-a-uuid");

        assertThat(tool("events.list_events").getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ANNOTATE);
        assertThat(inputSchema("events.list_events").at("/properties/since/format").asText()).isEqualTo("date-time");
        // the type is still checked: formats only are annotations
        assertThat(refusedCall("events.list_events", "{\"since\":20261201}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void formats_chosenPerTool_annotateOneToolWhileTheOtherStillAsserts() {
        importDoc("events", EVENTS, OpenApiImportOptions.newBuilder()
                .putToolFormatChecks("list_events", FormatChecks.FORMAT_CHECKS_ANNOTATE));

        assertThat(call("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        StatusRuntimeException e = refusedCall("events.get_event", "{\"id\":\"not-a-uuid\"}");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("/id").contains("uuid");
        assertThat(upstream.exchanges()).hasSize(1);
    }

    @Test
    void formats_theDocumentsExtensionChoosesPerOperation_andTheAdminsOptionWins() {
        String document = EVENTS.replace("      operationId: listEvents\n",
                "      operationId: listEvents\n      x-toolgate-format-checks: annotate\n");
        importDoc("events", document, OpenApiImportOptions.newBuilder());
        assertThat(call("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(refusedCall("events.get_event", "{\"id\":\"x\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        ImportOpenApiResponse again = importDoc("events", document, OpenApiImportOptions.newBuilder()
                .setFormatChecks(FormatChecks.FORMAT_CHECKS_ASSERT));

        // a change of the choice alone is a new version of the tool
        assertThat(again.getChangedList()).containsExactly("events.list_events");
        assertThat(again.getUnchangedList()).containsExactly("events.get_event");
        assertThat(refusedCall("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void formats_anUnknownChoiceInTheDocumentIsAWarning_andOneNamingNoToolToo() {
        String document = EVENTS.replace("      operationId: listEvents\n",
                "      operationId: listEvents\n      x-toolgate-format-checks: sometimes\n");

        ImportOpenApiResponse r = importDoc("events", document, OpenApiImportOptions.newBuilder()
                .putToolFormatChecks("no_such_tool", FormatChecks.FORMAT_CHECKS_ANNOTATE));

        assertThat(r.getWarningsList()).anySatisfy(w -> {
            assertThat(w.getOperation()).isEqualTo("GET /events");
            assertThat(w.getMessage()).contains("x-toolgate-format-checks must be 'assert' or 'annotate'");
        });
        assertThat(r.getWarningsList()).anySatisfy(w -> assertThat(w.getMessage()).contains("'no_such_tool'"));
        assertThat(tool("events.list_events").getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ASSERT);
    }

    @Test
    void formats_anUnknownChoiceInTheRequest_isRefusedAndNothingIsImported() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> importDoc("events",
                EVENTS, OpenApiImportOptions.newBuilder().putToolFormatChecksValue("list_events", 7)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("options.tool_format_checks[list_events]");
        assertThat(tools.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
    }

    @Test
    void formats_aHandDefinedToolChoosesToo_andAChangeOfTheChoiceIsANewVersion() {
        admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant).setName("manual")
                .setBaseUrl(upstream.baseUrl()).build());
        UpsertHttpToolRequest.Builder request = UpsertHttpToolRequest.newBuilder().setTenant(tenant)
                .setIntegration("manual").setName("list_events").setDescription("Lists events since a day.")
                .setMethod("GET").setPath("/events")
                .addParams(ParamBinding.newBuilder().setArgument("since").setLocation(ParamLocation.PARAM_LOCATION_QUERY))
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"since\":{\"type\":\"string\","
                        + "\"format\":\"date-time\"}}}");

        Tool annotated = admin.upsertHttpTool(request.setFormatChecks(FormatChecks.FORMAT_CHECKS_ANNOTATE).build());
        assertThat(annotated.getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ANNOTATE);
        assertThat(call("manual.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(last())).containsExactly("since=2026-12-01");

        Tool asserted = admin.upsertHttpTool(request.clearFormatChecks().build());
        assertThat(asserted.getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ASSERT);
        assertThat(asserted.getVersion()).isEqualTo(annotated.getVersion() + 1);
        assertThat(refusedCall("manual.list_events", "{\"since\":\"2026-12-01\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(upstream.exchanges()).hasSize(1);
    }

    // 2. parameter names with comparison operators (AWS style)

    static final String JOBS = """
            openapi: 3.0.3
            info: {title: jobs, version: "1"}
            servers: [{url: https://jobs.invalid}]
            paths:
              /jobs:
                get:
                  operationId: listJobs
                  parameters:
                    - {name: "StartTime<", in: query, description: Jobs started before this time., schema: {type: string, format: date-time}}
                    - {name: "StartTime>", in: query, schema: {type: string, format: date-time}}
                    - {name: StartTime, in: query, schema: {type: string}}
                    - {name: "Size>=", in: query, schema: {type: integer}}
                    - {name: "Size<", in: query, schema: {type: integer}}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void operatorNames_becomeWordsThatKeepTheirMeaning_andTheOriginalNamesAreSent() throws Exception {
        importDoc("jobs", JOBS, OpenApiImportOptions.newBuilder());
        JsonNode schema = inputSchema("jobs.list_jobs");
        assertThat(schema.path("properties").fieldNames()).toIterable()
                .containsExactly("StartTime_before", "StartTime_after", "StartTime", "Size_gte", "Size_lt");
        assertThat(schema.at("/properties/StartTime_before/description").asText())
                .isEqualTo("Jobs started before this time.\n\nSent as the query parameter 'StartTime<'.");

        ExecuteToolResponse r = call("jobs.list_jobs", """
                {"StartTime_before":"2026-12-02T00:00:00Z","StartTime_after":"2026-12-01T00:00:00Z",
                 "StartTime":"x","Size_gte":5,"Size_lt":10}""");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(last())).containsExactly("StartTime<=2026-12-02T00:00:00Z", "StartTime>=2026-12-01T00:00:00Z",
                "StartTime=x", "Size>==5", "Size<=10");
    }

    // 3. an optional body with required properties

    static final String CASES = """
            openapi: 3.0.3
            info: {title: cases, version: "1"}
            servers: [{url: https://cases.invalid}]
            paths:
              /cases/{id}:
                patch:
                  operationId: updateCase
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string}}
                  requestBody:
                    content:
                      application/json:
                        schema:
                          type: object
                          required: [summary, priority]
                          properties:
                            summary: {type: string}
                            priority: {type: string, enum: [low, high]}
                            note: {type: string}
                  responses: {'200': {description: ok}}
            """;

    @Test
    void optionalBodyWithRequiredProperties_isFlattened_andNeedsThemOnlyWhenTheBodyIsGiven() throws Exception {
        importDoc("cases", CASES, OpenApiImportOptions.newBuilder());
        JsonNode schema = inputSchema("cases.update_case");
        assertThat(schema.path("properties").fieldNames()).toIterable()
                .containsExactly("id", "summary", "priority", "note");
        assertThat(schema.path("required").toString()).isEqualTo("[\"id\"]");

        // no body argument: no body is sent
        assertThat(call("cases.update_case", "{\"id\":\"7\"}").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(last().method()).isEqualTo("PATCH");
        assertThat(last().uri()).isEqualTo("/cases/7");
        assertThat(last().body()).isEmpty();
        assertThat(last().header("Content-Type")).isNull();

        // a body argument: the body's required properties are required
        StatusRuntimeException e = refusedCall("cases.update_case", "{\"id\":\"7\",\"note\":\"call back\"}");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("summary").contains("priority");
        assertThat(refusedCall("cases.update_case", "{\"id\":\"7\",\"summary\":\"s\"}").getStatus().getDescription())
                .contains("priority");
        assertThat(upstream.exchanges()).hasSize(1);

        assertThat(call("cases.update_case", "{\"id\":\"7\",\"summary\":\"Printer\",\"priority\":\"high\"}")
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(JsonSupport.mapper().readTree(last().body()))
                .isEqualTo(JsonSupport.mapper().readTree("{\"summary\":\"Printer\",\"priority\":\"high\"}"));
        assertThat(last().header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void requiredBodyWithRequiredProperties_stillRequiresThem() throws Exception {
        importDoc("cases", CASES.replace("      requestBody:\n", "      requestBody:\n        required: true\n"),
                OpenApiImportOptions.newBuilder());
        JsonNode schema = inputSchema("cases.update_case");

        assertThat(schema.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("id", "summary", "priority");
        assertThat(schema.has("dependentRequired")).isFalse();
        assertThat(refusedCall("cases.update_case", "{\"id\":\"7\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(upstream.exchanges()).isEmpty();
    }
}
