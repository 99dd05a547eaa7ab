package dev.toolgate.gateway.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Browser;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.DeleteConnectionRequest;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.ListConnectionsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import dev.toolgate.proto.v1.UserConnectionAuth;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connected accounts end to end against a real OpenID provider ({@code oidc-provider}) on 127.0.0.1:
 * users connect through the gateway's connect link in a real HTTP client that follows the redirects
 * and fills the provider's sign-in and consent pages; an upstream that checks each bearer token at
 * the provider's introspection endpoint answers with the token's subject.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectedAccountsTest implements TestPropertyProvider {
    private static final int HTTP_PORT = Ports.free();
    private static final String GATEWAY = "http://127.0.0.1:" + HTTP_PORT;
    private static final OidcProvider.Client CRM = new OidcProvider.Client("toolgate-crm", "crm-client-secret",
            GATEWAY + "/connect/callback");
    private static final OidcProvider.Client OTHER = new OidcProvider.Client("other-tenant-crm", "other-secret",
            GATEWAY + "/connect/callback");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    MutableClock clock;

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionStore store;

    private OidcProvider idp;
    private TestUpstream crm;
    private final List<String> seenTokens = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.clock", "mutable", "micronaut.server.port", String.valueOf(HTTP_PORT),
                "toolgate.connections.public-url", GATEWAY);
    }

    @BeforeAll
    void start() throws Exception {
        idp = OidcProvider.start(List.of(CRM, OTHER), Map.of());
        // the user's CRM: checks each bearer token at the provider (introspection) and answers whose it is
        crm = TestUpstream.start().route("/me", r -> {
            String auth = r.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return Reply.json(401, "{\"error\":\"no token\"}");
            }
            String token = auth.substring("Bearer ".length());
            seenTokens.add(token);
            JsonNode introspected = introspect(token);
            return introspected.path("active").asBoolean(false)
                    ? Reply.json(200, "{\"sub\":\"" + introspected.path("sub").asText() + "\"}")
                    : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
    }

    @AfterAll
    void stop() {
        idp.close();
        crm.close();
    }

    @BeforeEach
    void setUp() {
        configure(gateway.fixture(), CRM);
        seenTokens.clear();
    }

    @Test
    void connect_call_refreshOnceUnder20Calls_revoke_connectionRequiredAgain() throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");

        String link = connectUrl(connectionRequired(agent, "alice"));
        Browser.Landing done = new Browser("alice").open(URI.create(link), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Connected");

        assertThat(whoami(agent, "alice")).isEqualTo("alice");
        String first = seenTokens.getLast();
        assertThat(agent.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).extracting(c -> c.getIntegration()).containsExactly("crm");

        // the access token nears its expiry (the gateway's clock): 20 parallel calls refresh it once
        clock.advance(Duration.ofHours(2));
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> whoami(agent, "alice"));
            }
            for (Future<String> f : pool.invokeAll(calls)) {
                assertThat(f.get()).isEqualTo("alice");
            }
        }
        Set<String> after = Set.copyOf(seenTokens.subList(1, seenTokens.size()));
        assertThat(after).as("one refresh: every call sent the same new token").hasSize(1).doesNotContain(first);

        // the provider forgets every grant (restart of its in-memory store): the refresh is refused
        idp.restartWith(idp.keys());
        clock.advance(Duration.ofHours(2));
        String again = connectUrl(connectionRequired(agent, "alice"));
        assertThat(again).startsWith(GATEWAY + "/connect/");
        assertThat(agent.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).isEmpty();

        assertThat(rowsText()).doesNotContain(first).doesNotContain(seenTokens.getLast())
                .doesNotContain(CRM.secret());
    }

    @Test
    void theProviderRevokingTheGrant_makesTheUpstreamRefuseTheToken_andTheCallAnswersConnectionRequired()
            throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        connect(agent, "frank");
        assertThat(whoami(agent, "frank")).isEqualTo("frank");
        String accessToken = seenTokens.getLast();

        // frank withdraws the gateway's access at the provider (RFC 7009 revocation of the grant's refresh
        // token, as the provider's account page would): every token of the grant stops working
        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(idp.issuer()
                + "/token/revocation")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((CRM.id() + ":" + CRM.secret())
                        .getBytes())).POST(HttpRequest.BodyPublishers.ofString("token_type_hint=refresh_token&token="
                        + store.tokens(gateway.tenant(), "frank", "crm", "").orElseThrow().refreshToken())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(introspect(accessToken).path("active").asBoolean()).isFalse();
        seenTokens.clear();

        // the token is still fresh for the gateway: sent, refused (401), refreshed once, refused: connect again
        StatusRuntimeException e = connectionRequired(agent, "frank");

        assertThat(seenTokens).as("the revoked token was sent once, nothing after the refused refresh")
                .containsExactly(accessToken);
        assertThat(e.getStatus().getDescription()).contains("revoked");
        assertThat(agent.listConnections(ListConnectionsRequest.newBuilder().setUser(user("frank")).build())
                .getConnectionsList()).isEmpty();
        Browser.Landing again = new Browser("frank").open(URI.create(connectUrl(e)), "http://never/");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(whoami(agent, "frank")).isEqualTo("frank");
    }

    @Test
    void twoUsers_getTheirOwnIdentities_andNeverTheOthersToken() {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        for (String person : List.of("alice", "bob")) {
            Browser.Landing done = new Browser(person).open(URI.create(connectUrl(connectionRequired(agent, person))),
                    "http://never/");
            assertThat(done.status()).as(done.body()).isEqualTo(200);
        }
        assertThat(whoami(agent, "alice")).isEqualTo("alice");
        assertThat(whoami(agent, "bob")).isEqualTo("bob");

        // bob in alice's session: his own token still
        assertThat(agent.executeTool(call("bob").setSessionId("alice-session").build()).getResultJson())
                .contains("\"bob\"");
        // bob replaying alice's call id: refused, not answered with alice's result
        agent.executeTool(call("alice").setCallId("alice-call-1").build());
        StatusRuntimeException replay = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(call("bob").setCallId("alice-call-1").build()));
        assertThat(replay.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(replay.getStatus().getDescription()).doesNotContain("alice\"");
        // a call naming no user cannot use anyone's connection
        StatusRuntimeException noUser = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(ExecuteToolRequest.newBuilder().setTool("crm.whoami").setArgumentsJson("{}").build()));
        assertThat(Clients.errorInfo(noUser).getReason()).isEqualTo("USER_REQUIRED");
        // bob disconnects: alice keeps hers
        agent.deleteConnection(DeleteConnectionRequest.newBuilder().setUser(user("bob")).setIntegration("crm").build());
        connectionRequired(agent, "bob");
        assertThat(whoami(agent, "alice")).isEqualTo("alice");
    }

    @Test
    void aUserIdFromAKeyNotTrustedToAssertUsers_isRefused_andNoTokenIsSent() {
        ToolServiceGrpc.ToolServiceBlockingStub trusted = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        connect(trusted, "bob");
        seenTokens.clear();
        ToolServiceGrpc.ToolServiceBlockingStub untrusted = gateway.fixture().toolsAs("plugin", "tools:call");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                untrusted.executeTool(call("bob").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("USER_ASSERTION_NOT_ALLOWED");
        assertThat(seenTokens).isEmpty();
    }

    @Test
    void aHeldCall_approved_runsWithTheConnectionOfTheUserItWasMadeFor_neverAnotherOne() {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        // the approver's key may assert users too: its own "user" never becomes the call's
        ToolServiceGrpc.ToolServiceBlockingStub approver = gateway.fixture().toolsAs("lead", "tools:confirm",
                "tools:call", "users:assert");
        gateway.fixture().admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("crm").setName("whoami_confirmed").setDescription("who the CRM thinks you are")
                .setMethod("GET").setPath("/me").setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setRequiresConfirmation(true)).build());
        connect(agent, "alice");
        connect(agent, "bob");

        ExecuteToolResponse held = agent.executeTool(call("alice").setTool("crm.whoami_confirmed")
                .setCallId("alice-held-1").build());
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(held.getConfirmation().getUserId()).isEqualTo("alice");
        // bob repeating alice's held call id gets neither her hold nor, later, her outcome
        StatusRuntimeException asBob = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(call("bob").setTool("crm.whoami_confirmed").setCallId("alice-held-1").build()));
        assertThat(Clients.errorInfo(asBob).getReason()).isEqualTo("CALL_ID_REUSED");
        seenTokens.clear();

        dev.toolgate.proto.v1.ToolCall approved = approver.confirmToolCall(
                dev.toolgate.proto.v1.ConfirmToolCallRequest.newBuilder().setCallId("alice-held-1").setApprove(true)
                        .build());

        assertThat(approved.getStatus()).as(approved.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(approved.getResultJson()).contains("\"alice\"");
        assertThat(seenTokens).hasSize(1);
        assertThat(approved.getUserId()).isEqualTo("alice");
        StatusRuntimeException replayedByBob = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(call("bob").setTool("crm.whoami_confirmed").setCallId("alice-held-1").build()));
        assertThat(Clients.errorInfo(replayedByBob).getReason()).isEqualTo("CALL_ID_REUSED");
        StatusRuntimeException replayedByNobody = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(ExecuteToolRequest.newBuilder().setTool("crm.whoami_confirmed")
                        .setArgumentsJson("{}").setCallId("alice-held-1").build()));
        assertThat(replayedByNobody).as("a call naming no user never gets alice's outcome").isNotNull();
        assertThat(agent.executeTool(call("alice").setTool("crm.whoami_confirmed").setCallId("alice-held-1")
                .build()).getReplayed()).isTrue();
    }

    @Test
    void aHeldCall_whoseUserDisconnectedMeanwhile_isRefusedWhenApproved_notRunWithAnotherToken() {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        ToolServiceGrpc.ToolServiceBlockingStub approver = gateway.fixture().toolsAs("lead", "tools:confirm");
        gateway.fixture().admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("crm").setName("whoami_confirmed").setDescription("who the CRM thinks you are")
                .setMethod("GET").setPath("/me").setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setRequiresConfirmation(true)).build());
        connect(agent, "alice");
        connect(agent, "bob");
        assertThat(agent.executeTool(call("alice").setTool("crm.whoami_confirmed").setCallId("alice-held-2").build())
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        agent.deleteConnection(DeleteConnectionRequest.newBuilder().setUser(user("alice")).setIntegration("crm").build());
        seenTokens.clear();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> approver.confirmToolCall(
                dev.toolgate.proto.v1.ConfirmToolCallRequest.newBuilder().setCallId("alice-held-2").setApprove(true)
                        .build()));

        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("CONNECTION_REQUIRED");
        assertThat(Clients.errorInfo(e).getMetadataMap()).as("alice's connect link is not the approver's to open")
                .doesNotContainKey("connect_url");
        assertThat(e.getStatus().getDescription()).contains("alice");
        assertThat(seenTokens).isEmpty();
    }

    @Test
    void anOpenApiAuthorizationCodeScheme_becomesTheIntegrationsConnectionRequirement_withTheClientBoundAtImport() {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        String document = """
                {"openapi": "3.0.3", "info": {"title": "CRM", "version": "1"},
                 "servers": [{"url": "%s"}],
                 "components": {"securitySchemes": {"crmOauth": {"type": "oauth2", "flows": {"authorizationCode": {
                     "authorizationUrl": "%s/auth", "tokenUrl": "%s/token",
                     "scopes": {"openid": "sign in", "offline_access": "stay connected"}}}}}},
                 "security": [{"crmOauth": ["openid"]}],
                 "paths": {"/me": {"get": {"operationId": "whoami", "summary": "who the CRM thinks you are",
                     "responses": {"200": {"description": "you"}}}}}}
                """.formatted(crm.baseUrl(), idp.issuer(), idp.issuer());
        dev.toolgate.proto.v1.ImportOpenApiResponse unbound = gateway.fixture().admin().importOpenApi(
                dev.toolgate.proto.v1.ImportOpenApiRequest.newBuilder().setTenant(gateway.tenant())
                        .setIntegration("crm_doc").setDocument(document).build());
        assertThat(unbound.getWarningsList()).anySatisfy(w -> assertThat(w.toString())
                .contains("connection_client_id"));

        dev.toolgate.proto.v1.ImportOpenApiResponse imported = gateway.fixture().admin().importOpenApi(
                dev.toolgate.proto.v1.ImportOpenApiRequest.newBuilder().setTenant(gateway.tenant())
                        .setIntegration("crm_doc").setDocument(document)
                        .setOptions(dev.toolgate.proto.v1.OpenApiImportOptions.newBuilder()
                                .setConnectionClientId(CRM.id()).putSecrets("crmOauth", "crm_client_secret")).build());

        assertThat(imported.getWarningsList()).noneSatisfy(w -> assertThat(w.toString())
                .contains("connection_client_id"));
        ExecuteToolRequest whoami = ExecuteToolRequest.newBuilder().setTool("crm_doc.whoami").setArgumentsJson("{}")
                .setUser(user("alice")).build();
        StatusRuntimeException required = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(whoami));
        assertThat(Clients.errorInfo(required).getReason()).isEqualTo("CONNECTION_REQUIRED");
        Browser.Landing done = new Browser("alice").open(URI.create(connectUrl(required)), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);

        ExecuteToolResponse r = agent.executeTool(whoami);

        assertThat(r.getStatus()).as(r.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(r.getResultJson()).contains("\"alice\"");
        StatusRuntimeException noUser = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(whoami.toBuilder().clearUser().build()));
        assertThat(Clients.errorInfo(noUser).getReason()).isEqualTo("USER_REQUIRED");
    }

    @Test
    void aConnectionMadeUnderOneSkill_isUsedOnlyUnderThatSkill_neverUnderAnotherNorTenantWide() {
        var admin = gateway.fixture().admin();
        for (String skill : List.of("sales", "support")) {
            admin.createSkill(dev.toolgate.proto.v1.CreateSkillRequest.newBuilder().setTenant(gateway.tenant())
                    .setName(skill).addTools("crm").build());
        }
        var issued = admin.createApiKey(dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder()
                .setTenant(gateway.tenant()).setAgentId("desk-bot").addScopes("tools:call").addScopes("users:assert")
                .build());
        var salesOnly = admin.createApiKey(dev.toolgate.proto.v1.CreateApiKeyRequest.newBuilder()
                .setTenant(gateway.tenant()).setAgentId("sales-bot").addScopes("tools:call").addScopes("users:assert")
                .build());
        for (String skill : List.of("sales", "support")) {
            admin.assignSkill(dev.toolgate.proto.v1.AssignSkillRequest.newBuilder().setTenant(gateway.tenant())
                    .setSkill(skill).setKeyId(issued.getKeyId()).build());
        }
        admin.assignSkill(dev.toolgate.proto.v1.AssignSkillRequest.newBuilder().setTenant(gateway.tenant())
                .setSkill("sales").setKeyId(salesOnly.getKeyId()).build());
        ToolServiceGrpc.ToolServiceBlockingStub both = Clients.tools(gateway.channel(), issued.getApiKey());
        ToolServiceGrpc.ToolServiceBlockingStub sales = Clients.tools(gateway.channel(), salesOnly.getApiKey());
        ToolServiceGrpc.ToolServiceBlockingStub tenantWide = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");

        // alice connects under sales (her account "alice") ...
        Browser.Landing done = new Browser("alice").open(URI.create(connectUrl(connectionRequired(both, "alice",
                "sales"))), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(whoami(both, "alice", "sales")).isEqualTo("alice");
        assertThat(whoami(sales, "alice", "")).isEqualTo("alice");
        // ... which neither a call under support nor a key without skills ever sends
        seenTokens.clear();
        StatusRuntimeException underSupport = connectionRequired(both, "alice", "support");
        connectionRequired(tenantWide, "alice", "");
        assertThat(seenTokens).as("nothing sent without the skill's own connection").isEmpty();

        // under support she connects another account of hers: each skill sends its own
        done = new Browser("alice-support").open(URI.create(connectUrl(underSupport)), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(whoami(both, "alice", "support")).isEqualTo("alice-support");
        assertThat(whoami(both, "alice", "sales")).isEqualTo("alice");

        // each key lists (and may remove) only the connections of its own skills
        assertThat(both.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).extracting(c -> c.getIntegration() + "/" + c.getSkill())
                .containsExactly("crm/sales", "crm/support");
        assertThat(sales.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).extracting(c -> c.getIntegration() + "/" + c.getSkill())
                .containsExactly("crm/sales");
        StatusRuntimeException notHers = catchThrowableOfType(StatusRuntimeException.class, () -> sales.deleteConnection(
                DeleteConnectionRequest.newBuilder().setUser(user("alice")).setIntegration("crm").setSkill("support")
                        .build()));
        assertThat(notHers.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        both.deleteConnection(DeleteConnectionRequest.newBuilder().setUser(user("alice")).setIntegration("crm")
                .setSkill("support").build());
        connectionRequired(both, "alice", "support");
        assertThat(whoami(both, "alice", "sales")).isEqualTo("alice");

        // a deleted skill takes its connections along: one created again under the name starts unconnected
        admin.deleteSkill(dev.toolgate.proto.v1.DeleteSkillRequest.newBuilder().setTenant(gateway.tenant())
                .setName("sales").build());
        assertThat(tenantWide.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).isEmpty();
    }

    @Test
    void overMcp_aClientWithUrlElicitation_getsTheConnectLinkAsAUrlElicitation_andItsRetryRunsWithTheUsersToken()
            throws Exception {
        String key = gateway.fixture().key("mcp-app", "tools:call", "users:assert");
        String session = mcpSession(key, "{\"url\": {}, \"form\": {}}");
        String call = """
                {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "crm__whoami", "arguments": {},
                 "_meta": {"dev.toolgate/user_id": "dana"}}}""";

        JsonNode refused = JSON.readTree(mcp(key, session, call).body());

        assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(-32042);
        JsonNode elicitation = refused.path("error").path("data").path("elicitations").path(0);
        assertThat(elicitation.path("mode").asText()).isEqualTo("url");
        assertThat(elicitation.path("elicitationId").asText()).isNotBlank();
        assertThat(elicitation.path("message").asText()).contains("crm");
        String link = elicitation.path("url").asText();
        assertThat(link).startsWith(GATEWAY + "/connect/");
        assertThat(link).as("the elicitation id does not repeat the link's state").doesNotContain(
                elicitation.path("elicitationId").asText());
        seenTokens.clear();
        Browser.Landing done = new Browser("dana").open(URI.create(link), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);

        JsonNode retried = JSON.readTree(mcp(key, session, call).body());
        assertThat(retried.path("result").path("isError").asBoolean(true)).as(retried.toString()).isFalse();
        assertThat(retried.path("result").path("structuredContent").path("sub").asText()).isEqualTo("dana");
        assertThat(seenTokens).hasSize(1);
        assertThat(retried.toString()).doesNotContain(seenTokens.getFirst());
    }

    @Test
    void overMcp_aClientWithoutUrlElicitation_getsAToolErrorWhoseTextCarriesTheConnectLink() throws Exception {
        String key = gateway.fixture().key("mcp-app", "tools:call", "users:assert");
        String call = """
                {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "crm__whoami", "arguments": {},
                 "_meta": {"dev.toolgate/user_id": "erin"}}}""";
        for (String session : List.of(mcpSession(key, "{}"), mcpSession(key, "{\"form\": {}}"))) {
            JsonNode answer = JSON.readTree(mcp(key, session, call).body());

            assertThat(answer.has("error")).as(answer.toString()).isFalse();
            JsonNode result = answer.path("result");
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("_meta").path("dev.toolgate/reason").asText()).isEqualTo("CONNECTION_REQUIRED");
            String link = result.path("_meta").path("dev.toolgate/connect_url").asText();
            assertThat(link).startsWith(GATEWAY + "/connect/");
            assertThat(result.path("content").path(0).path("text").asText()).contains(link);
        }
    }

    @Test
    void theConsole_showsAnAdminTheUsersConnectionsWithoutTokens_andDisconnectsOne() throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        connect(agent, "gina");
        assertThat(whoami(agent, "gina")).isEqualTo("gina");
        String token = seenTokens.getLast();
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        String cookie = consoleSession(browser, gateway.fixture().key("ops", "admin"));
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/console/connections"))
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<td>gina</td><td>crm</td>").doesNotContain(token)
                .doesNotContain(store.tokens(gateway.tenant(), "gina", "crm", "").orElseThrow().refreshToken());
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(page.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> forged = browser.send(HttpRequest.newBuilder(URI.create(GATEWAY
                + "/console/connections/disconnect")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=wrong&user=gina&integration=crm&skill=")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(whoami(agent, "gina")).isEqualTo("gina");

        HttpResponse<String> disconnected = browser.send(HttpRequest.newBuilder(URI.create(GATEWAY
                + "/console/connections/disconnect")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1) + "&user=gina&integration=crm&skill="))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(disconnected.statusCode()).as(disconnected.body()).isEqualTo(200);
        assertThat(disconnected.body()).contains("Disconnected gina from crm").doesNotContain("<td>gina</td>");
        connectionRequired(agent, "gina");
        String notAdmin = consoleSession(browser, gateway.fixture().key("lead", "tools:call", "tools:confirm"));
        assertThat(browser.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/console/connections"))
                .header("Cookie", notAdmin).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
    }

    private static String consoleSession(HttpClient browser, String key) throws Exception {
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(GATEWAY + "/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("api_key=" + key)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    @Test
    void aUsersOwnApiKey_pastedOnTheConnectPage_isSentInItsHeaderOnlyForThem_andARejectedKeyAsksAgain()
            throws Exception {
        Map<String, String> validKeys = new java.util.concurrent.ConcurrentHashMap<>(Map.of("alice-vault-key-1", "alice"));
        List<String> seenKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
        crm.route("/vault/me", r -> {
            String key = String.valueOf(r.header("X-Vault-Key"));
            seenKeys.add(key);
            String owner = validKeys.get(key);
            return owner == null || r.header("Authorization") != null ? Reply.json(401, "{\"error\":\"bad key\"}")
                    : Reply.json(200, "{\"owner\":\"" + owner + "\"}");
        });
        var admin = gateway.fixture().admin();
        admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(gateway.tenant()).setName("vault")
                .setBaseUrl(crm.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setUserConnection(UserConnectionAuth.getDefaultInstance())).build());
        admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(gateway.tenant()).setIntegration("vault")
                .setName("me").setDescription("whose key this is").setMethod("GET").setPath("/vault/me")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true)).build());
        StatusRuntimeException mixed = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(gateway.tenant())
                        .setIntegration("vault").setApiKeyHeader("X-Vault-Key").setTokenUrl(idp.issuer() + "/token")
                        .build()));
        assertThat(mixed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(mixed)).extracting(v -> v.getField()).containsExactly("token_url");
        admin.setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("vault").setApiKeyHeader("X-Vault-Key").build());
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        ExecuteToolRequest vault = ExecuteToolRequest.newBuilder().setTool("vault.me").setArgumentsJson("{}")
                .setUser(user("alice")).build();

        StatusRuntimeException required = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(vault));
        assertThat(Clients.errorInfo(required).getReason()).isEqualTo("CONNECTION_REQUIRED");
        HttpResponse<String> page = get(URI.create(connectUrl(required)));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("user <strong>alice</strong>").contains("name=\"api_key\"");
        java.util.regex.Matcher state = java.util.regex.Pattern.compile("name=\"state\" value=\"([^\"]+)\"")
                .matcher(page.body());
        assertThat(state.find()).isTrue();
        assertThat(postForm("/connect/key", "state=" + state.group(1) + "&api_key=has+a+space").statusCode())
                .isEqualTo(400);
        HttpResponse<String> connected = postForm("/connect/key", "state=" + state.group(1)
                + "&api_key=alice-vault-key-1");
        assertThat(connected.statusCode()).as(connected.body()).isEqualTo(200);
        assertThat(connected.body()).contains("Connected").doesNotContain("alice-vault-key-1");
        assertThat(postForm("/connect/key", "state=" + state.group(1) + "&api_key=mallory-key").statusCode())
                .as("the page's state is used up").isEqualTo(400);

        ExecuteToolResponse r = agent.executeTool(vault);
        assertThat(r.getResultJson()).contains("\"owner\":\"alice\"");
        assertThat(seenKeys).containsExactly("alice-vault-key-1");
        StatusRuntimeException bob = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(vault.toBuilder().setUser(user("bob")).build()));
        assertThat(Clients.errorInfo(bob).getReason()).isEqualTo("CONNECTION_REQUIRED");
        assertThat(seenKeys).hasSize(1);

        // the upstream stops accepting alice's key: one refused call, the key is forgotten, she is asked again
        validKeys.clear();
        StatusRuntimeException again = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(vault));
        assertThat(Clients.errorInfo(again).getReason()).isEqualTo("CONNECTION_REQUIRED");
        assertThat(again.getStatus().getDescription()).contains("refused by the upstream");
        assertThat(seenKeys).containsExactly("alice-vault-key-1", "alice-vault-key-1");
        assertThat(agent.listConnections(ListConnectionsRequest.newBuilder().setUser(user("alice")).build())
                .getConnectionsList()).extracting(c -> c.getIntegration()).doesNotContain("vault");
        assertThat(rowsText()).doesNotContain("alice-vault-key-1");
    }

    private static HttpResponse<String> postForm(String path, String form) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(GATEWAY + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String mcpSession(String key, String elicitationCapability) throws Exception {
        HttpResponse<String> init = mcp(key, null, """
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25",
                 "capabilities": {"elicitation": %s}, "clientInfo": {"name": "test", "version": "1"}}}"""
                .formatted(elicitationCapability));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private static HttpResponse<String> mcp(String key, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key).header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void connect(ToolServiceGrpc.ToolServiceBlockingStub agent, String person) {
        Browser.Landing done = new Browser(person).open(URI.create(connectUrl(connectionRequired(agent, person))),
                "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
    }

    @Test
    void replayedState_wrongVerifier_andAnotherTenantsCallback_areRefused_andNothingIsStored() throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                "users:assert");
        // replay: the callback works once
        Browser.Landing atCallback = new Browser("alice").open(URI.create(connectUrl(connectionRequired(agent,
                "alice"))), GATEWAY + "/connect/callback");
        assertThat(get(atCallback.url()).statusCode()).isEqualTo(200);
        HttpResponse<String> replayed = get(atCallback.url());
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(whoami(agent, "alice")).isEqualTo("alice");

        // wrong verifier: bob's code from one link redeemed with the state (and verifier) of another
        Browser.Landing one = new Browser("bob").open(URI.create(connectUrl(connectionRequired(agent, "bob"))),
                GATEWAY + "/connect/callback");
        Browser.Landing two = new Browser("bob").open(URI.create(connectUrl(connectionRequired(agent, "bob"))),
                GATEWAY + "/connect/callback");
        HttpResponse<String> swapped = get(URI.create(GATEWAY + "/connect/callback?state=" + one.param("state")
                + "&code=" + two.param("code")));
        assertThat(swapped.statusCode()).isEqualTo(400);
        assertThat(swapped.body()).contains("refused").doesNotContain(two.param("code"));
        connectionRequired(agent, "bob");

        // another tenant's sign-in (its own client) delivered with this tenant's state
        TenantFixture other = TenantFixture.create(gateway.channel(), gateway.upstream().baseUrl());
        configure(other, OTHER);
        ToolServiceGrpc.ToolServiceBlockingStub otherAgent = other.toolsAs("assistant", "tools:call", "users:assert");
        Browser.Landing theirs = new Browser("carol").open(URI.create(connectUrl(connectionRequired(otherAgent,
                "carol"))), GATEWAY + "/connect/callback");
        Browser.Landing ours = new Browser("carol").open(URI.create(connectUrl(connectionRequired(agent, "carol"))),
                GATEWAY + "/connect/callback");
        HttpResponse<String> crossed = get(URI.create(GATEWAY + "/connect/callback?state=" + ours.param("state")
                + "&code=" + theirs.param("code")));
        assertThat(crossed.statusCode()).isEqualTo(400);
        connectionRequired(agent, "carol");
        connectionRequired(otherAgent, "carol");
    }

    private void configure(TenantFixture fx, OidcProvider.Client client) {
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("crm_client_secret")
                .setValue(client.secret()).build());
        fx.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("crm")
                .setBaseUrl(crm.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setUserConnection(UserConnectionAuth.getDefaultInstance())).build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm")
                .setName("whoami").setDescription("who the CRM thinks you are").setMethod("GET").setPath("/me")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
        assertThat(fx.admin().setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("crm").setAuthorizationUrl(idp.issuer() + "/auth").setTokenUrl(idp.issuer() + "/token")
                .setClientId(client.id()).setClientSecret("crm_client_secret").setScopes("openid offline_access")
                .build()).getRedirectUri()).isEqualTo(GATEWAY + "/connect/callback");
        // who may open a connect link is ConnectLinkOpenerTest's subject; these tenants accept unverified links
        // explicitly (a browser here signs in at the upstream under other names than the link's user)
        fx.admin().setConnectLinks(dev.toolgate.proto.v1.SetConnectLinksRequest.newBuilder().setTenant(fx.tenant)
                .setUnverifiedAllowed(true).build());
    }

    private static EndUser user(String id) {
        return EndUser.newBuilder().setUserId(id).build();
    }

    private static ExecuteToolRequest.Builder call(String user) {
        return ExecuteToolRequest.newBuilder().setTool("crm.whoami").setArgumentsJson("{}").setUser(user(user));
    }

    private static String whoami(ToolServiceGrpc.ToolServiceBlockingStub agent, String user) {
        return whoami(agent, user, "");
    }

    private static String whoami(ToolServiceGrpc.ToolServiceBlockingStub agent, String user, String skill) {
        ExecuteToolResponse r = agent.executeTool(call(user).setSkill(skill).build());
        assertThat(r.getStatus()).as(r.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        try {
            return JSON.readTree(r.getResultJson()).path("sub").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static StatusRuntimeException connectionRequired(ToolServiceGrpc.ToolServiceBlockingStub agent,
            String user) {
        return connectionRequired(agent, user, "");
    }

    private static StatusRuntimeException connectionRequired(ToolServiceGrpc.ToolServiceBlockingStub agent,
            String user, String skill) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(call(user).setSkill(skill).build()));
        assertThat(e).as("%s has no connection", user).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("CONNECTION_REQUIRED");
        return e;
    }

    private static String connectUrl(StatusRuntimeException e) {
        String url = Clients.errorInfo(e).getMetadataMap().get("connect_url");
        assertThat(url).startsWith(GATEWAY + "/connect/");
        return url;
    }

    private JsonNode introspect(String token) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(idp.issuer()
                    + "/token/introspection")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((CRM.id() + ":"
                            + CRM.secret()).getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String rowsText() {
        return gateway.rows().calls(gateway.tenant()).stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
