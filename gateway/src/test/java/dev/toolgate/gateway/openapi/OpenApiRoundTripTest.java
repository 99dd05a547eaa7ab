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
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.DeleteSecretRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An imported document against a real upstream: each call must reach the upstream exactly as
 * the document describes it (method, encoded path, query styles, headers, cookies, body,
 * credential of the operation's security scheme).
 */
@MicronautTest
class OpenApiRoundTripTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    TestUpstream upstream;
    String tenant;
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub tools;
    ImportOpenApiResponse imported;
    final AtomicInteger tokensIssued = new AtomicInteger();
    volatile String refusedToken = "";

    @BeforeEach
    void setUp() throws Exception {
        upstream = TestUpstream.start()
                .route("/v1/oauth/token", r -> Reply.json(200, "{\"access_token\":\"at-" + tokensIssued.incrementAndGet()
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}"))
                .route("/v1/forms", r -> ("Bearer " + refusedToken).equals(r.header("Authorization"))
                        ? Reply.json(401, "{\"error\":\"expired\"}") : Reply.json(200, "{\"stored\":true}"))
                .route("/v1/", r -> Reply.json(200, "{\"ok\":true}"));
        admin = Clients.bootstrapAdmin(channel);
        tenant = "oa-" + UUID.randomUUID().toString().substring(0, 10);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        put("inv_bearer", "bearer-token-1");
        put("inv_basic", "alice:s3cr3t:x");
        put("inv_header_key", "hk-123");
        put("inv_query_key", "qk/4+5");
        put("inv_cookie_key", "ck-678");
        put("inv_machine", "client-1:sec?ret&x");
        imported = admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("inv")
                .setDocument(document().replace("TOKEN_URL", upstream.baseUrl() + "/v1/oauth/token"))
                .setOptions(OpenApiImportOptions.newBuilder().setBaseUrl(upstream.baseUrl() + "/v1")
                        .putSecrets("bearer", "inv_bearer").putSecrets("basic", "inv_basic"))
                .build());
        String key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("bot").build())
                .getApiKey();
        tools = Clients.tools(channel, key);
    }

    @AfterEach
    void tearDown() {
        upstream.close();
    }

    static String document() throws Exception {
        try (InputStream in = OpenApiRoundTripTest.class.getResourceAsStream("/openapi-fixtures/inventory.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void put(String name, String value) {
        admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName(name).setValue(value).build());
    }

    private ExecuteToolResponse call(String tool, String args) {
        return tools.executeTool(ExecuteToolRequest.newBuilder().setTool("inv." + tool).setArgumentsJson(args).build());
    }

    private TestUpstream.Exchange last() {
        List<TestUpstream.Exchange> all = upstream.exchanges();
        return all.get(all.size() - 1);
    }

    private static JsonNode json(String text) throws Exception {
        return JsonSupport.mapper().readTree(text);
    }

    @Test
    void import_reportsToolsSkipsHiddenAndUnsupportedAndNamesSecrets() {
        assertThat(imported.getSourceVersion()).isEqualTo("3.0.3");
        assertThat(imported.getBaseUrl()).isEqualTo(upstream.baseUrl() + "/v1");
        assertThat(imported.getAddedList()).containsExactlyInAnyOrder("inv.get_item", "inv.create_item",
                "inv.replace_tags", "inv.search_items", "inv.ping", "inv.submit_form", "inv.health", "inv.either",
                "inv.delete_item");
        assertThat(imported.getExcluded()).isEqualTo(1); // x-toolgate-hidden
        assertThat(imported.getWarningsList()).anySatisfy(w -> {
            assertThat(w.getOperation()).isEqualTo("PUT /items/{item_id}/photo");
            assertThat(w.getSkipped()).isTrue();
            assertThat(w.getMessage()).contains("image/png");
        });
        assertThat(imported.getCredentialsList()).anySatisfy(c -> {
            assertThat(c.getScheme()).isEqualTo("headerKey");
            assertThat(c.getSecret()).isEqualTo("inv_header_key");
            assertThat(c.getType()).isEqualTo("API_KEY");
            assertThat(c.getPresent()).isTrue();
        });
    }

    @Test
    void getItem_pathQueryStylesHeaderCookieAndBearer_reachUpstreamAsDescribed() throws Exception {
        ExecuteToolResponse r = call("get_item", """
                {"store_id":7,"item_id":"a b/c","fields":["name","price"],"tag":["x","y z"],
                 "filter":{"color":"red","size":"L"},"ids":[1,2],"words":["p","q"],
                 "X-Request-Id":"req-1","locale":"de CH"}""");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        TestUpstream.Exchange seen = last();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/v1/stores/7/items/a%20b%2Fc?fields=name,price&tag=x&tag=y%20z"
                + "&filter%5Bcolor%5D=red&filter%5Bsize%5D=L&ids=1%7C2&words=p%20q");
        assertThat(seen.header("X-Request-Id")).isEqualTo("req-1");
        assertThat(seen.header("Cookie")).isEqualTo("locale=de%20CH");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer bearer-token-1");
        assertThat(seen.header("Accept")).isEqualTo("application/json");
    }

    @Test
    void getItem_schema_mergesParametersDropsAuthHeaderAndKeepsDocs() throws Exception {
        Tool t = tools.getTool(GetToolRequest.newBuilder().setName("inv.get_item").build());
        JsonNode schema = json(t.getInputSchemaJson());

        assertThat(schema.path("properties").has("Authorization")).isFalse();
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("store_id", "item_id");
        assertThat(schema.at("/properties/X-Request-Id/description").asText()).isEqualTo("Correlation id");
        assertThat(schema.at("/properties/store_id/minimum").asInt()).isEqualTo(1);
        assertThat(t.getAnnotations().getReadOnly()).isTrue();
        assertThat(t.getDescription()).isEqualTo("Read one item of a store.");
        JsonNode output = json(t.getOutputSchemaJson());
        assertThat(output.at("/properties/id/type").asText()).isEqualTo("string"); // readOnly stays in responses
        assertThat(output.at("/properties/parent/$ref").asText()).isEqualTo("#/$defs/Item");
    }

    @Test
    void createItem_flattenedJsonBodyWithHeaderKey_dropsReadOnlyAndMapsNullable() throws Exception {
        Tool t = tools.getTool(GetToolRequest.newBuilder().setName("inv.create_item").build());
        JsonNode schema = json(t.getInputSchemaJson());
        assertThat(schema.path("properties").has("id")).isFalse();
        assertThat(schema.at("/properties/note/type")).extracting(JsonNode::asText).containsExactly("string", "null");
        assertThat(schema.at("/properties/price/exclusiveMinimum").asInt()).isZero();
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("name",
                "Idempotency-Key");

        ExecuteToolResponse r = call("create_item", """
                {"name":"Lamp","note":null,"price":9.5,"Idempotency-Key":"idem-1"}""");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        TestUpstream.Exchange seen = last();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.uri()).isEqualTo("/v1/items");
        assertThat(seen.header("X-Api-Key")).isEqualTo("hk-123");
        assertThat(seen.header("Authorization")).isNull();
        assertThat(seen.header("Idempotency-Key")).isEqualTo("idem-1");
        assertThat(seen.header("Content-Type")).isEqualTo("application/json");
        assertThat(json(seen.body())).isEqualTo(json("{\"name\":\"Lamp\",\"note\":null,\"price\":9.5}"));
    }

    @Test
    void createItem_readOnlyPropertyGiven_isRefusedBeforeUpstream() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call("create_item",
                "{\"id\":\"x\",\"name\":\"Lamp\",\"Idempotency-Key\":\"k\"}"));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void replaceTags_arrayBodyLabelPathAndBasicAuth_sentWhole() throws Exception {
        ExecuteToolResponse r = call("replace_tags", "{\"item_id\":\"i-1\",\"body\":[\"a\",\"b\"]}");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        TestUpstream.Exchange seen = last();
        assertThat(seen.method()).isEqualTo("PUT");
        assertThat(seen.uri()).isEqualTo("/v1/items/.i-1/tags");
        assertThat(seen.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("alice:s3cr3t:x".getBytes(StandardCharsets.UTF_8)));
        assertThat(json(seen.body())).isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void searchAndPing_queryAndCookieApiKeys_areEncoded() {
        call("search_items", "{\"q\":\"lamp\"}");
        assertThat(last().uri()).isEqualTo("/v1/search?q=lamp&api_key=qk%2F4%2B5");
        assertThat(last().header("Authorization")).isNull();

        call("ping", "{}");
        assertThat(last().header("Cookie")).isEqualTo("session=ck-678");
    }

    @Test
    void health_emptySecurity_sendsNoCredential() {
        call("health", "{}");
        assertThat(last().header("Authorization")).isNull();
        assertThat(last().header("X-Api-Key")).isNull();
        assertThat(last().uri()).isEqualTo("/v1/public/health");
    }

    @Test
    void twoSkillsWithTheirOwnOAuthClients_onOneIntegration_eachGetAndKeepTheirOwnToken() {
        put("sales_machine", "client-s:s1");
        put("ops_machine", "client-o:o1");
        var key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("both").build());
        for (String skill : List.of("sales", "ops")) {
            admin.createSkill(dev.toolgate.proto.v1.CreateSkillRequest.newBuilder().setTenant(tenant).setName(skill)
                    .addTools("inv").build());
            admin.attachSkillSecret(dev.toolgate.proto.v1.AttachSkillSecretRequest.newBuilder().setTenant(tenant)
                    .setSkill(skill).setIntegration("inv").setSlot("inv_machine").setSecret(skill + "_machine").build());
            admin.assignSkill(dev.toolgate.proto.v1.AssignSkillRequest.newBuilder().setTenant(tenant).setSkill(skill)
                    .setKeyId(key.getKeyId()).build());
        }
        ToolServiceGrpc.ToolServiceBlockingStub both = Clients.tools(channel, key.getApiKey());

        for (String skill : List.of("sales", "ops", "sales", "ops")) {
            assertThat(both.executeTool(ExecuteToolRequest.newBuilder().setTool("inv.submit_form").setSkill(skill)
                    .setArgumentsJson("{\"title\":\"t\"}").build()).getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        }

        assertThat(upstream.exchangesTo("/v1/oauth/token")).extracting(e -> e.header("Authorization")).containsExactly(
                "Basic " + Base64.getEncoder().encodeToString("client-s:s1".getBytes(StandardCharsets.UTF_8)),
                "Basic " + Base64.getEncoder().encodeToString("client-o:o1".getBytes(StandardCharsets.UTF_8)));
        assertThat(upstream.exchangesTo("/v1/forms")).extracting(e -> e.header("Authorization"))
                .containsExactly("Bearer at-1", "Bearer at-2", "Bearer at-1", "Bearer at-2"); // neither evicts the other
    }

    @Test
    void submitForm_oauthClientCredentials_fetchesCachesAndRenewsTokenOn401() throws Exception {
        ExecuteToolResponse first = call("submit_form", """
                {"title":"Hi there","tags":["a","b"],"metadata":{"k":"v 1"}}""");

        assertThat(first.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        TestUpstream.Exchange token = upstream.exchangesTo("/v1/oauth/token").get(0);
        assertThat(token.method()).isEqualTo("POST");
        assertThat(token.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                "client-1:sec%3Fret%26x".getBytes(StandardCharsets.UTF_8)));
        assertThat(token.body()).isEqualTo("grant_type=client_credentials&scope=items%3Awrite");
        TestUpstream.Exchange form = upstream.exchangesTo("/v1/forms").get(0);
        assertThat(form.header("Authorization")).isEqualTo("Bearer at-1");
        assertThat(form.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(form.body()).isEqualTo("title=Hi%20there&tags=a&tags=b&metadata%5Bk%5D=v%201");

        call("submit_form", "{\"title\":\"again\"}");
        assertThat(upstream.exchangesTo("/v1/oauth/token")).hasSize(1); // cached

        refusedToken = "at-1"; // the upstream stops accepting the cached token
        ExecuteToolResponse renewed = call("submit_form", "{\"title\":\"third\"}");

        assertThat(renewed.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/v1/oauth/token")).hasSize(2);
        List<TestUpstream.Exchange> forms = upstream.exchangesTo("/v1/forms");
        assertThat(forms.get(forms.size() - 2).header("Authorization")).isEqualTo("Bearer at-1");
        assertThat(forms.get(forms.size() - 1).header("Authorization")).isEqualTo("Bearer at-2");
    }

    @Test
    void reImport_dropsTheCachedOAuthToken_theNextCallFetchesANewOne() throws Exception {
        call("submit_form", "{\"title\":\"first\"}");
        assertThat(upstream.exchangesTo("/v1/oauth/token")).hasSize(1);

        admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("inv")
                .setDocument(document().replace("TOKEN_URL", upstream.baseUrl() + "/v1/oauth/token"))
                .setOptions(OpenApiImportOptions.newBuilder().setBaseUrl(upstream.baseUrl() + "/v1")
                        .putSecrets("bearer", "inv_bearer").putSecrets("basic", "inv_basic"))
                .build()); // the same document again: the integration is replaced

        ExecuteToolResponse after = call("submit_form", "{\"title\":\"second\"}");
        assertThat(after.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/v1/oauth/token")).hasSize(2); // it used to keep the old integration's token
        List<TestUpstream.Exchange> forms = upstream.exchangesTo("/v1/forms");
        assertThat(forms.get(forms.size() - 1).header("Authorization")).isEqualTo("Bearer at-2");
    }

    @Test
    void either_firstAlternativeSecretMissing_usesTheSecond() {
        call("either", "{}");
        assertThat(last().header("Authorization")).isEqualTo("Bearer bearer-token-1");

        admin.deleteSecret(DeleteSecretRequest.newBuilder().setTenant(tenant).setName("inv_bearer").build());
        call("either", "{}");
        assertThat(last().header("Authorization")).isNull();
        assertThat(last().header("X-Api-Key")).isEqualTo("hk-123");
    }

    @Test
    void call_secretMissing_failsNamingTheSecretAndSendsNothing() {
        admin.deleteSecret(DeleteSecretRequest.newBuilder().setTenant(tenant).setName("inv_query_key").build());
        int before = upstream.exchanges().size();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> call("search_items", "{\"q\":\"x\"}"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains("'inv_query_key'").contains("PutSecret");
        assertThat(upstream.exchanges()).hasSize(before);
    }

    @Test
    void deleteItem_requiresConfirmation_isHeldAndNotSent() {
        Tool t = tools.getTool(GetToolRequest.newBuilder().setName("inv.delete_item").build());
        assertThat(t.getAnnotations().getRequiresConfirmation()).isTrue();
        assertThat(t.getAnnotations().getDestructive()).isTrue();

        var held = call("delete_item", "{\"item_id\":\"i-1\"}");

        assertThat(held.getStatus()).isEqualTo(dev.toolgate.proto.v1.CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(held.getConfirmation().getSummary()).contains("inv.delete_item").contains("\"i-1\"");
        assertThat(held.getConfirmation().getRuleId()).isEmpty();
        assertThat(upstream.exchanges()).isEmpty();
    }
}
