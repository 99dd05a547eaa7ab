package dev.toolgate.gateway.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.SetTokenExchangeClientRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.TokenExchangeAuth;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Token exchange (RFC 8693) end to end against a real OpenID provider ({@code oidc-provider}, its
 * token-exchange grant registered through the package's grant-type extension point): users sign in
 * to the tenant's app in a browser-like client, the agent calls with each user's ID token, the
 * gateway exchanges it for an access token of the upstream's audience, and the upstream checks every
 * bearer token at the provider's introspection endpoint and answers whose it is and for which audience.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExchangeTest implements TestPropertyProvider {
    private static final String AUDIENCE = "https://orders.example";
    private static final OidcProvider.Client APP = new OidcProvider.Client("support-assistant", "app-secret",
            "http://127.0.0.1:9/callback");
    private static final OidcProvider.Client GATEWAY = new OidcProvider.Client("toolgate-exchange",
            "exchange-client-secret", "http://127.0.0.1:9/unused");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    MutableClock clock;

    private OidcProvider idp;
    private TestUpstream orders;
    private final List<String> seenTokens = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.clock", "mutable");
    }

    @BeforeAll
    void start() throws Exception {
        // ID tokens valid for a day: the gateway's clock moves ahead by hours in these tests
        idp = OidcProvider.start(List.of(APP, GATEWAY), Map.of("ID_TOKEN_TTL", "86400"));
        orders = TestUpstream.start().route("/orders", r -> {
            String auth = r.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return Reply.json(401, "{\"error\":\"no token\"}");
            }
            String token = auth.substring("Bearer ".length());
            seenTokens.add(token);
            JsonNode t = introspect(token);
            return t.path("active").asBoolean(false) && AUDIENCE.equals(t.path("aud").asText())
                    ? Reply.json(200, "{\"sub\":\"" + t.path("sub").asText() + "\",\"aud\":\"" + t.path("aud").asText()
                            + "\"}")
                    : Reply.json(401, "{\"error\":\"invalid_token\"}");
        });
    }

    @AfterAll
    void stop() {
        idp.close();
        orders.close();
    }

    @BeforeEach
    void setUp() {
        seenTokens.clear();
        gateway.admin().setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(gateway.tenant())
                .setIssuer(idp.issuer()).setJwksUrl(idp.jwksUrl().toString()).setAudience(APP.id()).build());
        gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(gateway.tenant())
                .setName("orders_exchange").setValue(GATEWAY.secret()).build());
        gateway.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(gateway.tenant())
                .setName("orders").setBaseUrl(orders.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setTokenExchange(TokenExchangeAuth.getDefaultInstance())).build());
        gateway.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("orders").setName("mine").setDescription("the user's orders").setMethod("GET")
                .setPath("/orders").setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
        exchangeClient("orders_exchange");
    }

    @Test
    void theExchangedToken_reachesTheUpstream_forEachUser_cachedUntilItExpires() throws Exception {
        ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.agent();
        String alice = idp.signIn("alice", APP, "openid").idToken();
        String bob = idp.signIn("bob", APP, "openid").idToken();

        JsonNode first = orders(agent, alice);
        assertThat(first.path("sub").asText()).isEqualTo("alice");
        assertThat(first.path("aud").asText()).isEqualTo(AUDIENCE);
        String aliceExchanged = seenTokens.getLast();
        assertThat(aliceExchanged).as("the upstream never sees the user's own token").isNotEqualTo(alice);

        // 20 parallel calls of alice: the cached token, no new exchange
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> orders(agent, alice));
            }
            for (Future<JsonNode> f : pool.invokeAll(calls)) {
                assertThat(f.get().path("sub").asText()).isEqualTo("alice");
            }
        }
        assertThat(Set.copyOf(seenTokens)).containsExactly(aliceExchanged);

        assertThat(orders(agent, bob).path("sub").asText()).isEqualTo("bob");
        String bobExchanged = seenTokens.getLast();
        assertThat(bobExchanged).isNotEqualTo(aliceExchanged);

        // past the exchanged token's expiry (1 h): exchanged again, 20 parallel calls once
        clock.advance(Duration.ofMinutes(61));
        seenTokens.clear();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> orders(agent, alice));
            }
            for (Future<JsonNode> f : pool.invokeAll(calls)) {
                assertThat(f.get().path("sub").asText()).isEqualTo("alice");
            }
        }
        assertThat(Set.copyOf(seenTokens)).hasSize(1).doesNotContain(aliceExchanged, bobExchanged);

        String rows = rowsText();
        assertThat(rows).doesNotContain(aliceExchanged).doesNotContain(bobExchanged).doesNotContain(alice)
                .doesNotContain(seenTokens.getFirst()).doesNotContain(GATEWAY.secret());
    }

    @Test
    void aHeldCall_approved_sendsTheTokenExchangedForItsOwnUser() {
        gateway.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("orders").setName("mine_confirmed").setDescription("the user's orders")
                .setMethod("GET").setPath("/orders").setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setRequiresConfirmation(true)).build());
        ToolServiceGrpc.ToolServiceBlockingStub approver = gateway.fixture().toolsAs("lead", "tools:confirm");
        String alice = idp.signIn("alice", APP, "openid").idToken();
        assertThat(orders(gateway.agent(), idp.signIn("bob", APP, "openid").idToken()).path("sub").asText())
                .isEqualTo("bob"); // bob's token is cached too
        seenTokens.clear();

        ExecuteToolResponse held = gateway.agent().executeTool(call(alice).setTool("orders.mine_confirmed")
                .setCallId("alice-order-1").build());
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(seenTokens).isEmpty();
        dev.toolgate.proto.v1.ToolCall approved = approver.confirmToolCall(dev.toolgate.proto.v1.ConfirmToolCallRequest
                .newBuilder().setCallId("alice-order-1").setApprove(true).build());

        assertThat(approved.getStatus()).as(approved.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(approved.getResultJson()).contains("\"alice\"");
        assertThat(approved.getUserId()).isEqualTo("alice");
    }

    @Test
    void aUserNamedOnlyById_hasNoTokenToExchange_andNothingIsSent() {
        ToolServiceGrpc.ToolServiceBlockingStub trusted = gateway.fixture().toolsAs("backend", "tools:call",
                "users:assert");
        // even once alice's token was exchanged (and cached), her id alone does not use it
        assertThat(orders(gateway.agent(), idp.signIn("alice", APP, "openid").idToken()).path("sub").asText())
                .isEqualTo("alice");
        seenTokens.clear();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> trusted.executeTool(
                ExecuteToolRequest.newBuilder().setTool("orders.mine").setArgumentsJson("{}")
                        .setUser(EndUser.newBuilder().setUserId("alice")).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("USER_TOKEN_REQUIRED");
        StatusRuntimeException none = catchThrowableOfType(StatusRuntimeException.class, () -> trusted.executeTool(
                ExecuteToolRequest.newBuilder().setTool("orders.mine").setArgumentsJson("{}").build()));
        assertThat(Clients.errorInfo(none).getReason()).isEqualTo("USER_REQUIRED");
        assertThat(seenTokens).isEmpty();
    }

    @Test
    void anExchangeTheProviderRefuses_isARefusal_andNothingIsSent() {
        gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(gateway.tenant()).setName("wrong_secret")
                .setValue("not-the-client-secret").build());
        exchangeClient("wrong_secret");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                gateway.agent().executeTool(call(idp.signIn("carol", APP, "openid").idToken()).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("TOKEN_EXCHANGE_REFUSED");
        assertThat(e.getStatus().getDescription()).contains("invalid_client").doesNotContain("not-the-client-secret");
        assertThat(seenTokens).isEmpty();
    }

    @Test
    void setTokenExchangeClient_badSettings_areRefusedFieldByField() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                gateway.admin().setTokenExchangeClient(SetTokenExchangeClientRequest.newBuilder()
                        .setTenant(gateway.tenant()).setIntegration("orders").setTokenUrl("ftp://x")
                        .setClientId("").setClientSecret("orders_exchange").setAudience("")
                        .setSubjectTokenType("saml").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("token_url").contains("client_id").contains("audience")
                .contains("subject_token_type");
    }

    private void exchangeClient(String secret) {
        gateway.admin().setTokenExchangeClient(SetTokenExchangeClientRequest.newBuilder().setTenant(gateway.tenant())
                .setIntegration("orders").setTokenUrl(idp.issuer() + "/token").setClientId(GATEWAY.id())
                .setClientSecret(secret).setAudience(AUDIENCE)
                .setSubjectTokenType("urn:ietf:params:oauth:token-type:id_token").build());
    }

    private static ExecuteToolRequest.Builder call(String userToken) {
        return ExecuteToolRequest.newBuilder().setTool("orders.mine").setArgumentsJson("{}")
                .setUser(EndUser.newBuilder().setToken(userToken));
    }

    private static JsonNode orders(ToolServiceGrpc.ToolServiceBlockingStub agent, String userToken) {
        ExecuteToolResponse r = agent.executeTool(call(userToken).build());
        assertThat(r.getStatus()).as(r.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        try {
            return JSON.readTree(r.getResultJson());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode introspect(String token) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(idp.issuer()
                    + "/token/introspection")).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((GATEWAY.id() + ":"
                            + GATEWAY.secret()).getBytes()))
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String rowsText() {
        return gateway.rows().calls(gateway.tenant()).stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
