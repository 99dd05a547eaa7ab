package dev.toolgate.gateway.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.gateway.management.ManagementServer;
import dev.toolgate.gateway.support.Browser;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.ListConnectionsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.SetTokenExchangeClientRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.TokenExchangeAuth;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import dev.toolgate.proto.v1.UserConnectionAuth;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The credentials of acting for a user — connected accounts' access and refresh tokens (first and
 * refreshed), OAuth client secrets, the user's own ID token and the tokens exchanged for it — appear
 * in no response or error, no log line (the gateway's log captured at DEBUG), no span, no metric and
 * no database row: only in the requests to the authorization server and the upstream. The upstreams
 * here echo the bearer token they got, as a careless API would.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserTokenLeakTest implements TestPropertyProvider {
    private static final int HTTP_PORT = Ports.free();
    private static final String GATEWAY = "http://127.0.0.1:" + HTTP_PORT;
    private static final OidcProvider.Client CRM = new OidcProvider.Client("toolgate-crm", "crm-client-secret-7f3a",
            GATEWAY + "/connect/callback");
    private static final OidcProvider.Client APP = new OidcProvider.Client("support-assistant", "app-secret-55c1",
            "http://127.0.0.1:9/callback");
    /** The tenant's sign-in, which proves that the person opening a connect link is its user. */
    private static final OidcProvider.Client SIGN_IN = new OidcProvider.Client("toolgate-sign-in",
            "sign-in-secret-4c2d", GATEWAY + "/console/oidc/callback");
    private static final OidcProvider.Client EXCHANGE = new OidcProvider.Client("toolgate-exchange",
            "exchange-secret-91be", "http://127.0.0.1:9/unused");

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    MutableClock clock;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    ManagementServer management;

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionStore store;

    private OidcProvider idp;
    private TestUpstream echo;
    private final List<String> seenTokens = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.clock", "mutable", "test.telemetry", "memory",
                "micronaut.server.port", String.valueOf(HTTP_PORT), "toolgate.connections.public-url", GATEWAY,
                "toolgate.metrics.refresh-interval", "100ms");
    }

    @BeforeAll
    void start() throws Exception {
        idp = OidcProvider.start(List.of(CRM, APP, EXCHANGE, SIGN_IN), Map.of("ID_TOKEN_TTL", "86400"));
        // echoes the bearer token back in its body and a header, and answers 401 to a token it was told to reject
        echo = TestUpstream.start().route("/me", r -> {
            String auth = String.valueOf(r.header("Authorization"));
            String token = auth.startsWith("Bearer ") ? auth.substring(7) : "";
            seenTokens.add(token);
            return Reply.json(200, "{\"you_sent\":\"" + token + "\",\"header\":\"" + auth + "\"}");
        });
    }

    @AfterAll
    void stop() {
        idp.close();
        echo.close();
    }

    @Test
    void accessRefreshExchangedTokensAndClientSecrets_appearInNoResponseLogSpanMetricOrRow() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Level rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG); // the most talkative setting an operator might pick
        List<String> responses = new ArrayList<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        try {
            String tenant = gateway.tenant();
            ToolServiceGrpc.ToolServiceBlockingStub agent = gateway.fixture().toolsAs("assistant", "tools:call",
                    "users:assert");
            configure(tenant);

            // connected account: connect, call, refresh, call
            StatusRuntimeException required = catchThrowableOfType(StatusRuntimeException.class, () ->
                    agent.executeTool(crm("alice")));
            responses.add(required.getStatus() + " " + required.getTrailers());
            Browser.Landing done = new Browser("alice").open(URI.create(Clients.errorInfo(required).getMetadataMap()
                    .get("connect_url")), "http://never/");
            responses.add(done.status() + " " + done.body());
            ConnectionTokens first = store.tokens(tenant, "alice", "crm", "").orElseThrow();
            secrets.put("first access token", first.accessToken());
            secrets.put("first refresh token", first.refreshToken());
            responses.add(agent.executeTool(crm("alice")).toString());
            clock.advance(Duration.ofHours(2));
            responses.add(agent.executeTool(crm("alice")).toString());
            ConnectionTokens refreshed = store.tokens(tenant, "alice", "crm", "").orElseThrow();
            secrets.put("refreshed access token", refreshed.accessToken());
            secrets.put("refreshed refresh token", refreshed.refreshToken());
            responses.add(agent.listConnections(ListConnectionsRequest.newBuilder()
                    .setUser(EndUser.newBuilder().setUserId("alice")).build()).toString());

            // token exchange: the user's ID token for a token of the orders audience
            String idToken = idp.signIn("alice", APP, "openid").idToken();
            secrets.put("ID token", idToken);
            int before = seenTokens.size();
            responses.add(agent.executeTool(ExecuteToolRequest.newBuilder().setTool("orders.me").setArgumentsJson("{}")
                    .setUser(EndUser.newBuilder().setToken(idToken)).build()).toString());
            secrets.put("exchanged token", seenTokens.get(before));
            // a refused exchange (wrong client secret) says why without any of it
            gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("orders_exchange")
                    .setValue("wrong-exchange-secret-0d2e").build());
            secrets.put("wrong client secret", "wrong-exchange-secret-0d2e");
            String bobToken = idp.signIn("bob", APP, "openid").idToken();
            secrets.put("bob's ID token", bobToken);
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () ->
                    agent.executeTool(ExecuteToolRequest.newBuilder().setTool("orders.me").setArgumentsJson("{}")
                            .setUser(EndUser.newBuilder().setToken(bobToken)).build()));
            responses.add(refused.getStatus() + " " + refused.getTrailers());
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
        }
        secrets.put("CRM client secret", CRM.secret());
        secrets.put("exchange client secret", EXCHANGE.secret());
        secrets.put("sign-in client secret", SIGN_IN.secret());
        assertThat(seenTokens).as("the upstream got the tokens").contains(secrets.get("first access token"),
                secrets.get("refreshed access token"), secrets.get("exchanged token"));
        assertThat(secrets.get("refreshed access token")).isNotEqualTo(secrets.get("first access token"));

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + management.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        StringBuilder spanText = new StringBuilder();
        for (SpanData s : spans.getFinishedSpanItems()) {
            spanText.append(s.getName()).append(' ').append(s.getAttributes()).append(' ').append(s.getEvents())
                    .append(' ').append(s.getStatus()).append('\n');
        }
        assertThat(spanText).isNotEmpty();
        List<String> rows = new ArrayList<>();
        CallRows db = new CallRows(dataSource);
        for (String table : List.of("tool_calls", "confirmations", "user_connections", "connection_states",
                "connection_clients", "token_exchange_clients", "secrets", "integrations")) {
            for (Map<String, Object> row : db.query("SELECT * FROM " + table)) {
                row.forEach((column, value) -> rows.add(table + "." + column + "=" + value));
            }
        }
        assertThat(rows).isNotEmpty();
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            String value = secret.getValue();
            assertThat(value).as(secret.getKey()).isNotBlank();
            assertThat(responses).as("responses: " + secret.getKey()).allSatisfy(t -> assertThat(t)
                    .doesNotContain(value));
            assertThat(logs.list).as("log: " + secret.getKey()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.getFormattedMessage()).doesNotContain(value);
                if (e.getThrowableProxy() != null) {
                    assertThat(ThrowableProxyUtil.asString(e.getThrowableProxy())).doesNotContain(value);
                }
            });
            assertThat(spanText.toString()).as("spans: " + secret.getKey()).doesNotContain(value);
            assertThat(metrics).as("metrics: " + secret.getKey()).doesNotContain(value);
            assertThat(rows).as("rows: " + secret.getKey()).allSatisfy(r -> assertThat(r).doesNotContain(value));
        }
    }

    private void configure(String tenant) {
        gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("crm_client_secret")
                .setValue(CRM.secret()).build());
        gateway.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant).setName("crm")
                .setBaseUrl(echo.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setUserConnection(UserConnectionAuth.getDefaultInstance())).build());
        tool(tenant, "crm");
        gateway.admin().setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(tenant)
                .setIntegration("crm").setAuthorizationUrl(idp.issuer() + "/auth").setTokenUrl(idp.issuer() + "/token")
                .setClientId(CRM.id()).setClientSecret("crm_client_secret").setScopes("openid offline_access").build());

        gateway.admin().setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(tenant)
                .setIssuer(idp.issuer()).setJwksUrl(idp.jwksUrl().toString()).setAudience(APP.id()).build());
        // connect links are served after the person opening one signed in as its user, at the same provider
        gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("sign_in_secret")
                .setValue(SIGN_IN.secret()).build());
        gateway.admin().setConsoleSignIn(dev.toolgate.proto.v1.SetConsoleSignInRequest.newBuilder().setTenant(tenant)
                .setClientId(SIGN_IN.id()).setClientSecret("sign_in_secret").addUserGroups("staff").build());
        gateway.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("orders_exchange")
                .setValue(EXCHANGE.secret()).build());
        gateway.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant)
                .setName("orders").setBaseUrl(echo.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setTokenExchange(TokenExchangeAuth.getDefaultInstance())).build());
        tool(tenant, "orders");
        gateway.admin().setTokenExchangeClient(SetTokenExchangeClientRequest.newBuilder().setTenant(tenant)
                .setIntegration("orders").setTokenUrl(idp.issuer() + "/token").setClientId(EXCHANGE.id())
                .setClientSecret("orders_exchange").setAudience("https://orders.example").build());
    }

    private void tool(String tenant, String integration) {
        gateway.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant).setIntegration(integration)
                .setName("me").setDescription("who you are").setMethod("GET").setPath("/me")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
    }

    private static ExecuteToolRequest crm(String user) {
        return ExecuteToolRequest.newBuilder().setTool("crm.me").setArgumentsJson("{}")
                .setUser(EndUser.newBuilder().setUserId(user)).build();
    }
}
