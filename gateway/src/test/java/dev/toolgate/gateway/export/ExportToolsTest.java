package dev.toolgate.gateway.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExportFormat;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.ExportToolsResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@MicronautTest
class ExportToolsTest {
    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub tools;

    @BeforeEach
    void setUp() throws Exception {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-9\"}"))
                .route("/items/", r -> Reply.json(200, "{}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        fx.lookupTool("lookup");
        tools = fx.agent();
    }

    private JsonNode export(ExportFormat format) throws Exception {
        ExportToolsResponse r = tools.exportTools(ExportToolsRequest.newBuilder().setFormat(format).build());
        assertThat(r.getToolsList()).extracting(t -> t.getExportedName() + "=" + t.getName())
                .containsExactly("desk__create_case=desk.create_case", "desk__lookup=desk.lookup");
        return JsonSupport.mapper().readTree(r.getToolsJson());
    }

    @Test
    void exportTools_openAi_isFunctionToolsWithSchemas() throws Exception {
        JsonNode json = export(ExportFormat.EXPORT_FORMAT_OPENAI);

        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("type").asText()).isEqualTo("function");
        assertThat(json.get(0).at("/function/name").asText()).isEqualTo("desk__create_case");
        assertThat(json.get(0).at("/function/description").asText()).isEqualTo("Open a support case");
        assertThat(json.get(0).at("/function/parameters")).isEqualTo(JsonSupport.mapper().readTree(TenantFixture.CASE_SCHEMA));
    }

    @Test
    void exportTools_anthropic_usesInputSchema() throws Exception {
        JsonNode json = export(ExportFormat.EXPORT_FORMAT_ANTHROPIC);

        assertThat(json.get(1).get("name").asText()).isEqualTo("desk__lookup");
        assertThat(json.get(1).at("/input_schema/required/0").asText()).isEqualTo("item_id");
    }

    @Test
    void exportTools_mcp_carriesAnnotationHints() throws Exception {
        JsonNode json = export(ExportFormat.EXPORT_FORMAT_MCP);

        assertThat(json.get(1).at("/annotations/readOnlyHint").asBoolean()).isTrue();
        assertThat(json.get(1).at("/annotations/idempotentHint").asBoolean()).isTrue();
        assertThat(json.get(0).at("/annotations/readOnlyHint").asBoolean()).isFalse();
        assertThat(json.get(0).get("inputSchema").get("type").asText()).isEqualTo("object");
        assertThat(json.get(0).get("title").asText()).isEqualTo("desk.create_case");
    }

    @Test
    void exportTools_gemini_isFunctionDeclarationsInGeminisSchemaSubset() throws Exception {
        JsonNode json = export(ExportFormat.EXPORT_FORMAT_GEMINI);

        assertThat(json.get(0).get("name").asText()).isEqualTo("desk__create_case");
        assertThat(json.get(0).at("/parameters/type").asText()).isEqualTo("OBJECT");
        assertThat(json.get(0).at("/parameters/properties/priority")).isEqualTo(JsonSupport.mapper()
                .readTree("{\"type\":\"STRING\",\"enum\":[\"low\",\"medium\",\"high\"]}"));
        assertThat(json).allSatisfy(t -> assertThat(ProviderRules.gemini(t)).isEmpty());
    }

    @Test
    void exportTools_openAiStrict_notesPerToolWhatItDroppedAndWhichToolIsNotStrict() throws Exception {
        ExportToolsResponse r = tools.exportTools(ExportToolsRequest.newBuilder()
                .setFormat(ExportFormat.EXPORT_FORMAT_OPENAI_STRICT).build());
        JsonNode json = JsonSupport.mapper().readTree(r.getToolsJson());

        assertThat(json.get(0).at("/function/strict").asBoolean()).isTrue();
        assertThat(json.get(1).at("/function/strict").asBoolean(true)).isFalse();
        assertThat(json).allSatisfy(t -> assertThat(ProviderRules.openAiStrict(t)).isEmpty());
        assertThat(r.getNotesList()).extracting(n -> n.getExportedName() + " " + n.getKind())
                .containsExactly("desk__create_case EXPORT_NOTE_KIND_DROPPED", "desk__lookup EXPORT_NOTE_KIND_NOT_STRICT");
        assertThat(r.getNotes(0).getMessage()).startsWith("\"minLength\" at 2 places (/properties/customer_id/minLength,"
                + " /properties/summary/minLength)");
        assertThat(r.getNotes(1).getMessage()).startsWith("optional properties /properties/tags, /properties/locale,"
                + " /properties/limit");
    }

    @Test
    void exportTools_anthropicDeferred_marksEveryToolDeferred() throws Exception {
        JsonNode json = export(ExportFormat.EXPORT_FORMAT_ANTHROPIC_DEFERRED);

        assertThat(json).allSatisfy(t -> assertThat(ProviderRules.anthropicDeferred(t)).isEmpty());
        assertThat(json.get(1).at("/input_schema/required/0").asText()).isEqualTo("item_id");
    }

    @Test
    void exportTools_withoutFormat_isInvalidArgument() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> tools.exportTools(ExportToolsRequest.getDefaultInstance()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e).get(0).getField()).isEqualTo("format");
    }

    @Test
    void executeAndGet_acceptTheExportedName_andRecordTheQualifiedOne() {
        assertThat(tools.getTool(GetToolRequest.newBuilder().setName("desk__lookup").build()).getName())
                .isEqualTo("desk.lookup");

        var r = tools.executeTool(ExecuteToolRequest.newBuilder().setTool("desk__create_case")
                .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"b\",\"priority\":\"low\"}").build());

        assertThat(r.getResultJson()).contains("C-9");
        assertThat(new CallRows(dataSource).call(fx.tenant, r.getCallId())).containsEntry("tool_name", "desk.create_case");
    }

    @Test
    void listTools_showsTheExportedName() {
        assertThat(tools.listTools(dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getTools(0)
                .getExportedName()).isEqualTo("desk__create_case");
    }
}
