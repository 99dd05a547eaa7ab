package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.DeleteToolRequest;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad admin input gets every problem reported at once and changes nothing. */
@MicronautTest
class AdminValidationTest {
    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.at("http://127.0.0.1:9");

    ManagedChannel channel;

    TenantFixture fx;
    AdminServiceGrpc.AdminServiceBlockingStub admin;

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        fx = gateway.fixture();
        admin = Clients.bootstrapAdmin(channel);
    }

    private static List<String> fields(StatusRuntimeException e) {
        return Clients.violations(e).stream().map(BadRequest.FieldViolation::getField).toList();
    }

    private StatusRuntimeException upsertFails(UpsertHttpToolRequest.Builder request) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> admin.upsertHttpTool(request.build()));
    }

    private UpsertHttpToolRequest.Builder tool() {
        return UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk").setName("t")
                .setDescription("d").setMethod("GET").setPath("/x").setInputSchemaJson("{\"type\":\"object\"}");
    }

    private int toolCount() {
        return fx.agent().listTools(ListToolsRequest.getDefaultInstance()).getToolsCount();
    }

    @Test
    void upsertTool_manyProblems_reportsAllAndWritesNothing() {
        StatusRuntimeException e = upsertFails(tool().setName("Bad Name").setDescription("").setMethod("FETCH")
                .setPath("no-slash/{id}").setInputSchemaJson("{\"type\":\"string\"}"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(e)).contains("name", "description", "method", "path", "params", "input_schema_json");
        assertThat(toolCount()).isZero();
    }

    @Test
    void upsertTool_schemaNotJson_isInvalid() {
        assertThat(fields(upsertFails(tool().setInputSchemaJson("{not json")))).containsExactly("input_schema_json");
    }

    @Test
    void upsertTool_schemaBreaksMetaSchema_isInvalid() {
        StatusRuntimeException e = upsertFails(tool().setInputSchemaJson(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strin\"}},\"required\":\"a\"}"));

        assertThat(fields(e)).isNotEmpty().allMatch(f -> f.equals("input_schema_json"));
        assertThat(toolCount()).isZero();
    }

    @Test
    void upsertTool_externalRef_isRefusedNotFetched() {
        StatusRuntimeException e = upsertFails(tool().setInputSchemaJson(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://127.0.0.1:9/evil.json\"}}}"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(toolCount()).isZero();
    }

    @Test
    void upsertTool_bindingProblems_areLocated() {
        StatusRuntimeException e = upsertFails(tool().setPath("/items/{id}")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"},\"h\":{\"type\":\"string\"}}}")
                .addParams(ParamBinding.newBuilder().setArgument("id").setLocation(ParamLocation.PARAM_LOCATION_PATH))
                .addParams(ParamBinding.newBuilder().setArgument("h").setLocation(ParamLocation.PARAM_LOCATION_HEADER).setName("Authorization"))
                .addParams(ParamBinding.newBuilder().setArgument("ghost").setLocation(ParamLocation.PARAM_LOCATION_QUERY)));

        assertThat(fields(e)).contains("params[0].argument", "params[1].name", "params[2].argument");
        assertThat(Clients.violations(e).toString()).contains("required").contains("set by the gateway");
    }

    @Test
    void upsertTool_unknownIntegration_isNotFound() {
        assertThat(upsertFails(tool().setIntegration("nope")).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void upsertTool_timeoutTooLong_isInvalid() {
        assertThat(fields(upsertFails(tool().setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3600)))))
                .containsExactly("timeout");
    }

    @Test
    void upsertTool_identicalDefinition_keepsTheVersion() {
        assertThat(admin.upsertHttpTool(tool().build()).getVersion()).isEqualTo(1);
        assertThat(admin.upsertHttpTool(tool().build()).getVersion()).isEqualTo(1);
        assertThat(admin.upsertHttpTool(tool().setInputSchemaJson("{ \"type\" : \"object\" }").build()).getVersion())
                .as("whitespace is no change").isEqualTo(1);
    }

    @Test
    void upsertTool_sameNameAgain_makesNewVersion_andDeleteHidesIt() {
        assertThat(admin.upsertHttpTool(tool().build()).getVersion()).isEqualTo(1);
        assertThat(admin.upsertHttpTool(tool().setDescription("changed").build()).getVersion()).isEqualTo(2);
        assertThat(fx.agent().getTool(GetToolRequest.newBuilder().setName("desk.t").build())
                .getDescription()).isEqualTo("changed");

        admin.deleteTool(DeleteToolRequest.newBuilder().setTenant(fx.tenant).setName("desk.t").build());
        assertThat(toolCount()).isZero();
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> admin.deleteTool(
                DeleteToolRequest.newBuilder().setTenant(fx.tenant).setName("desk.t").build())).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(admin.upsertHttpTool(tool().build()).getVersion()).as("versions keep counting").isEqualTo(3);
    }

    @Test
    void createIntegration_badUrlAndName_reportsBoth() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                        .setName("Bad!").setBaseUrl("ftp://user:pw@host/x").build()));

        assertThat(fields(e)).containsExactlyInAnyOrder("name", "base_url");
    }

    @Test
    void createIntegration_urlWithCredentials_isRefused() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                        .setName("x").setBaseUrl("https://user:pw@api.example.com").build()));

        assertThat(Clients.violations(e).get(0).getDescription()).contains("user info");
    }

    @Test
    void createIntegration_missingSecret_isFailedPrecondition() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                        .setName("x").setBaseUrl("https://api.example.com")
                        .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret("missing"))).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("missing");
    }

    @Test
    void createTenant_twice_isAlreadyExists_andBadIdIsInvalid() {
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> admin.createTenant(
                CreateTenantRequest.newBuilder().setId(fx.tenant).build())).getStatus().getCode())
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> admin.createTenant(
                CreateTenantRequest.newBuilder().setId("_system").build())).getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void createApiKey_unknownTenantOrBadInput_isRefused() {
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> admin.createApiKey(
                CreateApiKeyRequest.newBuilder().setTenant("no-such-tenant").setAgentId("a").build())).getStatus()
                .getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> admin.createApiKey(
                CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("").addScopes("BAD SCOPE").build()));
        assertThat(fields(e)).containsExactlyInAnyOrder("agent_id", "scopes");
    }

    @Test
    void createApiKey_returnsKeyOnceWithDefaultScope() {
        var r = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("bot").build());

        assertThat(r.getApiKey()).startsWith("tg_").hasSizeGreaterThan(40);
        assertThat(r.getScopesList()).containsExactly("tools:call");
    }

    @Test
    void putSecret_emptyOrMultiline_isRefused() {
        assertThat(fields(catchThrowableOfType(StatusRuntimeException.class, () -> admin.putSecret(
                PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("s").setValue("").build()))))
                .containsExactly("value");
        assertThat(fields(catchThrowableOfType(StatusRuntimeException.class, () -> admin.putSecret(
                PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("s").setValue("a\nb").build()))))
                .containsExactly("value");
        for (String bad : new String[] {"tok\u2019en-secret-value", "tok\ten-secret-value", "tok\u0001en-secret-value"}) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> admin.putSecret(
                    PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("s").setValue(bad).build()));
            assertThat(fields(e)).containsExactly("value");
            assertThat(e.toString() + Clients.violations(e)).doesNotContain("en-secret-value");
        }
    }

    @Test
    void createIntegration_emptyBearerSecretName_isInvalidNotInternal() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                        .setName("x").setBaseUrl("https://api.example.com")
                        .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder())).build()));

        assertThat(fields(e)).containsExactly("auth.bearer.secret");
    }

    @Test
    void upsertTool_bindingToGatewayHeaders_isRefused() {
        StatusRuntimeException e = upsertFails(tool()
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"u\":{\"type\":\"string\"}}}")
                .addParams(ParamBinding.newBuilder().setArgument("a").setLocation(ParamLocation.PARAM_LOCATION_HEADER).setName("Accept"))
                .addParams(ParamBinding.newBuilder().setArgument("u").setLocation(ParamLocation.PARAM_LOCATION_HEADER).setName("user-agent")));

        assertThat(fields(e)).containsExactly("params[0].name", "params[1].name");
    }
}
