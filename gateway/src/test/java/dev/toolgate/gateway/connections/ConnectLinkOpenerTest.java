package dev.toolgate.gateway.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Browser;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConnectLinks;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetConnectLinksRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.SetConnectLinksRequest;
import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.SetConsoleSignInRequest;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may use a connect link: only the user it was made for, proven by the tenant's OpenID Connect
 * sign-in before the link leads to the upstream (the MCP specification's rule for URL-mode
 * elicitation). Against the real {@code oidc-provider} of {@code examples/idp}, which is both the
 * tenant's provider (people sign in there) and the per-user upstream's authorization server; the
 * phishing attempt runs in headless chromium ({@code examples/console-e2e/connect-link.test.mjs}).
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectLinkOpenerTest implements TestPropertyProvider {
    private static final int HTTP_PORT = Ports.free();
    private static final String GATEWAY = "http://127.0.0.1:" + HTTP_PORT;
    private static final Path EXAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("examples/console-e2e");
    private static final OidcProvider.Client CRM = new OidcProvider.Client("toolgate-crm", "crm-client-secret",
            GATEWAY + "/connect/callback");
    private static final OidcProvider.Client SIGN_IN = new OidcProvider.Client("toolgate-sign-in",
            "sign-in-client-secret", GATEWAY + "/console/oidc/callback");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    DataSource dataSource;

    private OidcProvider idp;
    private TestUpstream crm;
    private final List<String> seenSubjects = new CopyOnWriteArrayList<>();

    @Override
    public Map<String, String> getProperties() {
        return Map.of("micronaut.server.port", String.valueOf(HTTP_PORT), "toolgate.connections.public-url", GATEWAY);
    }

    @BeforeAll
    void start() throws Exception {
        idp = OidcProvider.start(List.of(CRM, SIGN_IN), Map.of());
        // the user's CRM: checks each bearer token at the provider and answers whose it is
        crm = TestUpstream.start().route("/me", r -> {
            String auth = r.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return Reply.json(401, "{\"error\":\"no token\"}");
            }
            JsonNode introspected = introspect(auth.substring("Bearer ".length()));
            if (!introspected.path("active").asBoolean(false)) {
                return Reply.json(401, "{\"error\":\"invalid_token\"}");
            }
            seenSubjects.add(introspected.path("sub").asText());
            return Reply.json(200, "{\"sub\":\"" + introspected.path("sub").asText() + "\"}");
        });
    }

    @AfterAll
    void stop() {
        idp.close();
        crm.close();
    }

    @BeforeEach
    void setUp() {
        seenSubjects.clear();
        integration(gateway.fixture());
    }

    @Test
    void aliceLink_openedByBobSignedInAsBob_isRefused_nothingStored_thenAliceConnects_andHerCallsCarryHerToken()
            throws Exception {
        signIn(gateway.fixture());
        ToolServiceGrpc.ToolServiceBlockingStub agent = agent(gateway.fixture());
        String aliceLink = connectUrl(connectionRequired(agent, "alice"));

        // bob got alice's link (or was sent it): he signs in as himself at the tenant's provider, is refused
        JsonNode bob = chromium(aliceLink, "bob");
        assertThat(bob.path("status").asInt()).as(bob.toString()).isEqualTo(403);
        assertThat(bob.path("url").asText()).startsWith(GATEWAY + "/console/oidc/callback");
        assertThat(bob.path("text").asText()).contains("made for another user", "Signed in as bob: this connect link",
                "nothing was connected");
        assertThat(bob.path("cookies").toString()).doesNotContain("toolgate_connect_");
        assertThat(connectionRows()).isEmpty(); // neither alice nor bob
        assertThat(seenSubjects).isEmpty();
        connectionRequired(agent, "alice");
        connectionRequired(agent, "bob");

        // the same link still works for alice: she signs in as herself, then at the upstream
        JsonNode alice = chromium(aliceLink, "alice");
        assertThat(alice.path("status").asInt()).as(alice.toString()).isEqualTo(200);
        assertThat(alice.path("url").asText()).startsWith(GATEWAY + "/connect/callback");
        assertThat(alice.path("text").asText()).contains("Connected");
        assertThat(alice.path("cookies").toString()).contains("toolgate_connect_", "\"path\":\"/connect\"",
                "\"httpOnly\":true", "\"sameSite\":\"Lax\"");
        assertThat(whoami(agent, "alice")).isEqualTo("alice"); // the upstream got alice's own token
        assertThat(seenSubjects).containsExactly("alice");
        assertThat(connectionRows()).containsExactly("alice");
        connectionRequired(agent, "bob");

        // used once: opening it again leads nowhere
        HttpResponse<String> again = get(URI.create(aliceLink));
        assertThat(again.statusCode()).isEqualTo(404);
    }

    @Test
    void upstreamSignInPageOfAProvenLink_forwardedToAnotherBrowser_cannotConnect() throws Exception {
        signIn(gateway.fixture());
        ToolServiceGrpc.ToolServiceBlockingStub agent = agent(gateway.fixture());
        // mallory proves herself on her own link and stops at the upstream's sign-in page it leads to …
        String malloryLink = connectUrl(connectionRequired(agent, "mallory"));
        Browser.Landing upstreamPage = new Browser("mallory").open(URI.create(malloryLink), idp.issuer()
                + "/auth?response_type=code&client_id=" + CRM.id());
        // … and sends that page to bob, who signs in there: the callback reaches the gateway without mallory's cookie
        Browser.Landing bobsCallback = new Browser("bob").open(upstreamPage.url(), GATEWAY + "/connect/callback");
        HttpResponse<String> finished = get(bobsCallback.url());
        assertThat(finished.statusCode()).as(finished.body()).isEqualTo(400);
        assertThat(finished.body()).contains("opened by another browser", "nothing was stored");
        assertThat(connectionRows()).isEmpty();
        assertThat(seenSubjects).isEmpty();
        connectionRequired(agent, "mallory");
    }

    @Test
    void tenantWithoutSignIn_refusesItsLinks_untilItAcceptsUnverifiedLinksExplicitly() throws Exception {
        TenantFixture fx = gateway.fixture();
        ToolServiceGrpc.ToolServiceBlockingStub agent = agent(fx);
        assertThat(fx.admin().getConnectLinks(GetConnectLinksRequest.newBuilder().setTenant(fx.tenant).build()))
                .isEqualTo(ConnectLinks.newBuilder().setTenant(fx.tenant).build());
        String link = connectUrl(connectionRequired(agent, "alice"));

        HttpResponse<String> refused = get(URI.create(link));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("no OpenID Connect sign-in", "toolgate admin console-sign-in set",
                "--unverified-allowed", "nothing was connected");
        assertThat(refused.headers().firstValue("Location")).isEmpty();
        assertThat(connectionRows()).isEmpty();
        connectionRequired(agent, "alice");

        // the admin accepts the phishing risk explicitly: the same link now leads to the upstream
        assertThat(fx.admin().setConnectLinks(SetConnectLinksRequest.newBuilder().setTenant(fx.tenant)
                .setUnverifiedAllowed(true).build()).getUnverifiedAllowed()).isTrue();
        Browser.Landing done = new Browser("alice").open(URI.create(link), "http://never/");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Connected");
        assertThat(whoami(agent, "alice")).isEqualTo("alice");

        // and back: a link opened meanwhile is not finished once the tenant requires the proof again
        String bobLink = connectUrl(connectionRequired(agent, "bob"));
        Browser.Landing atCallback = new Browser("bob").open(URI.create(bobLink), GATEWAY + "/connect/callback");
        fx.admin().setConnectLinks(SetConnectLinksRequest.newBuilder().setTenant(fx.tenant).build());
        HttpResponse<String> late = get(atCallback.url());
        assertThat(late.statusCode()).as(late.body()).isEqualTo(403);
        assertThat(connectionRows()).containsExactly("alice");
    }

    @Test
    void signInAtAnotherIssuerThanTheEndUsersTokens_isRefused_nothingStored() throws Exception {
        TenantFixture fx = gateway.fixture();
        signIn(fx);
        fx.admin().setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(fx.tenant)
                .setIssuer("https://login.elsewhere.example").setJwksUrl("https://login.elsewhere.example/jwks")
                .setAudience("assistant").build());
        String link = connectUrl(connectionRequired(agent(fx), "alice"));
        Browser.Landing done = new Browser("alice").open(URI.create(link), "http://never/");
        assertThat(done.status()).isEqualTo(403);
        assertThat(done.body()).contains("another provider than its end users");
        assertThat(connectionRows()).isEmpty();
    }

    @Test
    void overMcp_theTypeScriptSdkClient_hearsElicitationComplete_whenItsUserHasConnected() throws Exception {
        TenantFixture fx = gateway.fixture();
        signIn(fx);
        Path mcpExample = EXAMPLE.resolveSibling("mcp");
        assertThat(mcpExample.resolve("node_modules/@modelcontextprotocol/sdk")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        ProcessBuilder pb = new ProcessBuilder("node", "url-elicitation.mjs").directory(mcpExample.toFile());
        pb.environment().put("MCP_URL", GATEWAY + "/mcp");
        pb.environment().put("API_KEY", fx.key("mcp-app", "tools:call", "users:assert"));
        pb.environment().put("USER_ID", "alice");
        pb.environment().put("TOOL", "crm__whoami");
        Path log = Path.of("target/url-elicitation-e2e.log").toAbsolutePath();
        pb.redirectError(log.toFile());
        Process p = pb.start();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                p.getInputStream(), StandardCharsets.UTF_8))) {
            JsonNode elicited = JSON.readTree(String.valueOf(out.readLine()));
            assertThat(elicited.path("code").asInt()).as(elicited + readQuietly(log)).isEqualTo(-32042);
            assertThat(elicited.path("mode").asText()).isEqualTo("url");
            String link = elicited.path("url").asText();
            assertThat(link).startsWith(GATEWAY + "/connect/");

            // alice opens the link (signing in as herself first), while the client waits on its stream
            Browser.Landing done = new Browser("alice").open(URI.create(link), "http://never/");
            assertThat(done.body()).contains("Connected");

            JsonNode after = JSON.readTree(String.valueOf(out.readLine()));
            assertThat(after.path("completedId").asText()).as(after + readQuietly(log))
                    .isEqualTo(elicited.path("elicitationId").asText()).startsWith("toolgate-connect-");
            assertThat(after.path("result").path("isError").asBoolean(true)).as(after.toString()).isFalse();
            assertThat(after.path("result").path("structuredContent").path("sub").asText()).isEqualTo("alice");
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(() -> readQuietly(log)).isZero();
        assertThat(seenSubjects).containsExactly("alice");
    }

    /** The tenant's OpenID Connect sign-in at the provider (the console's; no console role mapped). */
    private void signIn(TenantFixture fx) {
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("sign_in_secret")
                .setValue(SIGN_IN.secret()).build());
        fx.admin().setConsoleSignIn(SetConsoleSignInRequest.newBuilder().setTenant(fx.tenant).setIssuer(idp.issuer())
                .setClientId(SIGN_IN.id()).setClientSecret("sign_in_secret").setScopes("email").addUserGroups("staff")
                .build());
    }

    private void integration(TenantFixture fx) {
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("crm_client_secret")
                .setValue(CRM.secret()).build());
        fx.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("crm")
                .setBaseUrl(crm.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setUserConnection(UserConnectionAuth.getDefaultInstance())).build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm")
                .setName("whoami").setDescription("who the CRM thinks you are").setMethod("GET").setPath("/me")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
        fx.admin().setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("crm").setAuthorizationUrl(idp.issuer() + "/auth").setTokenUrl(idp.issuer() + "/token")
                .setClientId(CRM.id()).setClientSecret("crm_client_secret").setScopes("openid").build());
    }

    private static ToolServiceGrpc.ToolServiceBlockingStub agent(TenantFixture fx) {
        return fx.toolsAs("assistant", "tools:call", "users:assert");
    }

    /** One person opening one link in a fresh headless chromium, through the provider's pages. */
    private JsonNode chromium(String link, String user) throws Exception {
        assertThat(EXAMPLE.resolve("node_modules/playwright-core")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        Path shots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        ProcessBuilder pb = new ProcessBuilder("node", "connect-link.test.mjs").directory(EXAMPLE.toFile());
        pb.environment().put("LINK", link);
        pb.environment().put("USER_NAME", user);
        pb.environment().put("ISSUER", idp.issuer());
        pb.environment().put("SCREENSHOTS", shots.toString());
        Path log = Path.of("target/connect-link-e2e-" + user + ".log").toAbsolutePath();
        pb.redirectError(log.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(() -> out + readQuietly(log)).isZero();
        return JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
    }

    /** The users of the tenant that have a stored connection, straight from the table. */
    private List<String> connectionRows() throws Exception {
        List<String> users = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT user_id FROM user_connections WHERE tenant_id = ? ORDER BY user_id")) {
            ps.setString(1, gateway.tenant());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(rs.getString(1));
                }
            }
        }
        return users;
    }

    private static String whoami(ToolServiceGrpc.ToolServiceBlockingStub agent, String user) throws Exception {
        ExecuteToolResponse r = agent.executeTool(call(user));
        assertThat(r.getStatus()).as(r.getResultJson()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        return JSON.readTree(r.getResultJson()).path("sub").asText();
    }

    private static ExecuteToolRequest call(String user) {
        return ExecuteToolRequest.newBuilder().setTool("crm.whoami").setArgumentsJson("{}")
                .setUser(EndUser.newBuilder().setUserId(user)).build();
    }

    private static StatusRuntimeException connectionRequired(ToolServiceGrpc.ToolServiceBlockingStub agent,
            String user) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                agent.executeTool(call(user)));
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
                            + CRM.secret()).getBytes(StandardCharsets.UTF_8)))
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

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "";
        }
    }
}
