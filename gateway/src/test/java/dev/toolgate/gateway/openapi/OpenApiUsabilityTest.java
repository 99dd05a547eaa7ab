package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.FormatChecks;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.Tool;
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

    ImportedApi api;

    @BeforeEach
    void setUp() throws Exception {
        api = ImportedApi.start(channel, "ou");
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private Tool tool(String name) {
        return api.tools.getTool(GetToolRequest.newBuilder().setName(name).build());
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
        api.importDoc("events", EVENTS, OpenApiImportOptions.newBuilder());

        StatusRuntimeException e = api.refusedCall("events.list_events", "{\"since\":\"2026-12-01\"}");

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("/since").contains("date-time");
        assertThat(api.upstream.exchanges()).isEmpty();
        assertThat(tool("events.list_events").getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ASSERT);
        assertThat(api.call("events.list_events", "{\"since\":\"2026-12-01T00:00:00Z\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void formats_annotatedForTheIntegration_passTheValueToTheUpstreamAndKeepFormatInTheSchema() throws Exception {
        api.importDoc("events", EVENTS, OpenApiImportOptions.newBuilder()
                .setFormatChecks(FormatChecks.FORMAT_CHECKS_ANNOTATE));

        ExecuteToolResponse since = api.call("events.list_events", "{\"since\":\"2026-12-01\"}");
        assertThat(since.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(api.last())).containsExactly("since=2026-12-01");
        ExecuteToolResponse id = api.call("events.get_event", "{\"id\":\"not-a-uuid\"}");
        assertThat(id.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(api.last().uri()).isEqualTo("/events/not-a-uuid");

        assertThat(tool("events.list_events").getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ANNOTATE);
        assertThat(api.inputSchema("events.list_events").at("/properties/since/format").asText()).isEqualTo("date-time");
        // the type is still checked: formats only are annotations
        assertThat(api.refusedCall("events.list_events", "{\"since\":20261201}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void formats_chosenPerTool_annotateOneToolWhileTheOtherStillAsserts() {
        api.importDoc("events", EVENTS, OpenApiImportOptions.newBuilder()
                .putToolFormatChecks("list_events", FormatChecks.FORMAT_CHECKS_ANNOTATE));

        assertThat(api.call("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        StatusRuntimeException e = api.refusedCall("events.get_event", "{\"id\":\"not-a-uuid\"}");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("/id").contains("uuid");
        assertThat(api.upstream.exchanges()).hasSize(1);
    }

    @Test
    void formats_theDocumentsExtensionChoosesPerOperation_andTheAdminsOptionWins() {
        String document = EVENTS.replace("      operationId: listEvents\n",
                "      operationId: listEvents\n      x-toolgate-format-checks: annotate\n");
        api.importDoc("events", document, OpenApiImportOptions.newBuilder());
        assertThat(api.call("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(api.refusedCall("events.get_event", "{\"id\":\"x\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);

        ImportOpenApiResponse again = api.importDoc("events", document, OpenApiImportOptions.newBuilder()
                .setFormatChecks(FormatChecks.FORMAT_CHECKS_ASSERT));

        // a change of the choice alone is a new version of the tool
        assertThat(again.getChangedList()).containsExactly("events.list_events");
        assertThat(again.getUnchangedList()).containsExactly("events.get_event");
        assertThat(api.refusedCall("events.list_events", "{\"since\":\"2026-12-01\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void formats_anUnknownChoiceInTheDocumentIsAWarning_andOneNamingNoToolToo() {
        String document = EVENTS.replace("      operationId: listEvents\n",
                "      operationId: listEvents\n      x-toolgate-format-checks: sometimes\n");

        ImportOpenApiResponse r = api.importDoc("events", document, OpenApiImportOptions.newBuilder()
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
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> api.importDoc("events",
                EVENTS, OpenApiImportOptions.newBuilder().putToolFormatChecksValue("list_events", 7)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("options.tool_format_checks[list_events]");
        assertThat(api.tools.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
    }

    @Test
    void formats_aHandDefinedToolChoosesToo_andAChangeOfTheChoiceIsANewVersion() {
        api.admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(api.tenant).setName("manual")
                .setBaseUrl(api.upstream.baseUrl()).build());
        UpsertHttpToolRequest.Builder request = UpsertHttpToolRequest.newBuilder().setTenant(api.tenant)
                .setIntegration("manual").setName("list_events").setDescription("Lists events since a day.")
                .setMethod("GET").setPath("/events")
                .addParams(ParamBinding.newBuilder().setArgument("since").setLocation(ParamLocation.PARAM_LOCATION_QUERY))
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"since\":{\"type\":\"string\","
                        + "\"format\":\"date-time\"}}}");

        Tool annotated = api.admin.upsertHttpTool(request.setFormatChecks(FormatChecks.FORMAT_CHECKS_ANNOTATE).build());
        assertThat(annotated.getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ANNOTATE);
        assertThat(api.call("manual.list_events", "{\"since\":\"2026-12-01\"}").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(api.last())).containsExactly("since=2026-12-01");

        Tool asserted = api.admin.upsertHttpTool(request.clearFormatChecks().build());
        assertThat(asserted.getFormatChecks()).isEqualTo(FormatChecks.FORMAT_CHECKS_ASSERT);
        assertThat(asserted.getVersion()).isEqualTo(annotated.getVersion() + 1);
        assertThat(api.refusedCall("manual.list_events", "{\"since\":\"2026-12-01\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(api.upstream.exchanges()).hasSize(1);
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
        api.importDoc("jobs", JOBS, OpenApiImportOptions.newBuilder());
        JsonNode schema = api.inputSchema("jobs.list_jobs");
        assertThat(schema.path("properties").fieldNames()).toIterable()
                .containsExactly("StartTime_before", "StartTime_after", "StartTime", "Size_gte", "Size_lt");
        assertThat(schema.at("/properties/StartTime_before/description").asText())
                .isEqualTo("Jobs started before this time.\n\nSent as the query parameter 'StartTime<'.");

        ExecuteToolResponse r = api.call("jobs.list_jobs", """
                {"StartTime_before":"2026-12-02T00:00:00Z","StartTime_after":"2026-12-01T00:00:00Z",
                 "StartTime":"x","Size_gte":5,"Size_lt":10}""");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(query(api.last())).containsExactly("StartTime<=2026-12-02T00:00:00Z", "StartTime>=2026-12-01T00:00:00Z",
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
        api.importDoc("cases", CASES, OpenApiImportOptions.newBuilder());
        JsonNode schema = api.inputSchema("cases.update_case");
        assertThat(schema.path("properties").fieldNames()).toIterable()
                .containsExactly("id", "summary", "priority", "note");
        assertThat(schema.path("required").toString()).isEqualTo("[\"id\"]");

        // no body argument: no body is sent
        assertThat(api.call("cases.update_case", "{\"id\":\"7\"}").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(api.last().method()).isEqualTo("PATCH");
        assertThat(api.last().uri()).isEqualTo("/cases/7");
        assertThat(api.last().body()).isEmpty();
        assertThat(api.last().header("Content-Type")).isNull();

        // a body argument: the body's required properties are required
        StatusRuntimeException e = api.refusedCall("cases.update_case", "{\"id\":\"7\",\"note\":\"call back\"}");
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("summary").contains("priority");
        assertThat(api.refusedCall("cases.update_case", "{\"id\":\"7\",\"summary\":\"s\"}").getStatus().getDescription())
                .contains("priority");
        assertThat(api.upstream.exchanges()).hasSize(1);

        assertThat(api.call("cases.update_case", "{\"id\":\"7\",\"summary\":\"Printer\",\"priority\":\"high\"}")
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(JsonSupport.mapper().readTree(api.last().body()))
                .isEqualTo(JsonSupport.mapper().readTree("{\"summary\":\"Printer\",\"priority\":\"high\"}"));
        assertThat(api.last().header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void requiredBodyWithRequiredProperties_stillRequiresThem() throws Exception {
        api.importDoc("cases", CASES.replace("      requestBody:\n", "      requestBody:\n        required: true\n"),
                OpenApiImportOptions.newBuilder());
        JsonNode schema = api.inputSchema("cases.update_case");

        assertThat(schema.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("id", "summary", "priority");
        assertThat(schema.has("dependentRequired")).isFalse();
        assertThat(api.refusedCall("cases.update_case", "{\"id\":\"7\"}").getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(api.upstream.exchanges()).isEmpty();
    }
}
