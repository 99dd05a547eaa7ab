package dev.toolgate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Browser;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.SetConnectionClientRequest;
import dev.toolgate.proto.v1.UserConnectionAuth;
import dev.toolgate.proto.v1.DeleteConsoleSignInRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.SetConsoleSignInRequest;
import dev.toolgate.proto.v1.SetConsoleSignInResponse;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Console sign-in with the tenant's OpenID Connect provider, against the real {@code oidc-provider}
 * of {@code examples/idp}: people sign in through its login and consent pages in headless chromium
 * ({@code examples/console-e2e/oidc.test.mjs}) and get the console roles their groups hold (admin,
 * approver, auditor; none: refused); the protocol's guards (state used once, the login cookie of the
 * browser that started, the client secret, a deleted sign-in) are checked over plain HTTP with the
 * test's {@link Browser} filling the provider's forms.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOidcTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("examples/console-e2e");
    private static final Path POLICIES = PolicyFiles.newDirectory("toolgate-console-oidc-policies");
    private static final String POLICY = """
            rules:
              - id: refunds-need-a-human
                effect: allow
                tools: [desk.refund]
                agents: ["*"]
                confirm: true
              - id: people-open-cases
                effect: allow
                tools: [desk.create_case]
                agents: ["user:*"]
            """;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer server;

    private TestUpstream upstream;
    private TenantFixture fx;
    private OidcProvider idp;
    private OidcProvider.Client client;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public Map<String, String> getProperties() {
        PolicyFiles.write(POLICIES, "_all", POLICY);
        return Map.of("toolgate.policy.dir", POLICIES.toString());
    }

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-7\",\"status\":\"open\"}"))
                .route("/refunds", r -> Reply.json(200, "{\"refunded\":true}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"item_id\":{\"type\":\"string\"}},"
                        + "\"required\":[\"item_id\"]}").build());
        Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance());
        Path groups = Files.createTempFile("console-groups", ".json");
        Files.writeString(groups, JSON.writeValueAsString(Map.of("alice", List.of("ops-admins", "staff"),
                "bob", List.of("support-leads", "staff"), "dave", List.of("auditors"), "carol", List.of("marketing"))));
        client = new OidcProvider.Client("toolgate-console", "console-client-secret-" + UUID.randomUUID(),
                "http://127.0.0.1:" + server.getPort() + OidcSignIn.CALLBACK_PATH);
        OidcProvider.Client crmClient = new OidcProvider.Client("crm-client", "crm-secret-" + UUID.randomUUID(),
                "http://127.0.0.1:" + server.getPort() + "/connect/callback");
        idp = OidcProvider.start(List.of(client, crmClient), Map.of("GROUPS_FILE", groups.toString()));
        // an integration that acts with each person's own account, connected through the same provider
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("crm_client_secret")
                .setValue(crmClient.secret()).build());
        fx.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("crm")
                .setBaseUrl(upstream.baseUrl()).setAuth(HttpAuth.newBuilder()
                        .setUserConnection(UserConnectionAuth.getDefaultInstance())).build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("crm")
                .setName("whoami").setDescription("who the CRM thinks you are").setMethod("GET").setPath("/me")
                .setInputSchemaJson("{\"type\":\"object\"}").build());
        fx.admin().setConnectionClient(SetConnectionClientRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("crm").setAuthorizationUrl(idp.issuer() + "/auth").setTokenUrl(idp.issuer() + "/token")
                .setClientId(crmClient.id()).setClientSecret("crm_client_secret").setScopes("openid").build());
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("console_client")
                .setValue(client.secret()).build());
        // the end-user identity provider of the tenant: the console sign-in takes its issuer
        fx.admin().setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(fx.tenant)
                .setIssuer(idp.issuer()).setJwksUrl(idp.jwksUrl().toString()).setAudience("support-assistant").build());
        SetConsoleSignInResponse set = fx.admin().setConsoleSignIn(signIn(fx.tenant).build());
        assertThat(set.getIssuer()).isEqualTo(idp.issuer());
        assertThat(set.getRedirectUri()).isEqualTo(client.redirectUri());
        assertThat(set.getLoginUrl()).isEqualTo("http://127.0.0.1:" + server.getPort() + "/console/login?tenant="
                + fx.tenant);
    }

    private SetConsoleSignInRequest.Builder signIn(String tenant) {
        return SetConsoleSignInRequest.newBuilder().setTenant(tenant).setClientId(client.id())
                .setClientSecret("console_client").setScopes("profile email groups").addAdminGroups("ops-admins")
                .addApproverGroups("support-leads").addAuditorGroups("auditors");
    }

    @AfterAll
    void stop() {
        if (idp != null) {
            idp.close();
        }
        upstream.close();
    }

    @Test
    void browser_peopleSignInWithTheProvider_andGetTheRolesOfTheirGroups() throws Exception {
        assertThat(EXAMPLE.resolve("node_modules/playwright-core")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        String heldCall = fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.refund")
                .setArgumentsJson("{\"item_id\":\"OIDC-REFUND-1\"}").build()).getCallId();
        Path shots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        ProcessBuilder pb = new ProcessBuilder("node", "oidc.test.mjs").directory(EXAMPLE.toFile());
        pb.environment().put("CONSOLE_URL", "http://127.0.0.1:" + server.getPort() + "/console");
        pb.environment().put("TENANT", fx.tenant);
        pb.environment().put("ISSUER", idp.issuer());
        pb.environment().put("SCREENSHOTS", shots.toString());
        Path log = Path.of("target/console-oidc-e2e.log").toAbsolutePath();
        pb.redirectError(log.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(() -> out + readQuietly(log)).isZero();
        JsonNode seen = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));

        assertThat(seen.path("aliceUrl").asText()).endsWith("/console/integrations");
        assertThat(seen.path("aliceNav").asText()).contains("Integrations", "Approvals", "Calls", "user:alice");
        assertThat(seen.path("aliceRun").asText()).contains("SUCCEEDED", "C-7", "people-open-cases", "user:alice",
                "sess-oidc-1");
        assertThat(seen.path("aliceScriptCookie").asText()).isEmpty(); // HttpOnly, and the login cookie is gone
        assertThat(seen.path("aliceCookies").toString()).contains("\"name\":\"toolgate_console\"")
                .contains("\"httpOnly\":true").contains("\"sameSite\":\"Strict\"");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
        assertThat(seen.path("policyVersion").asText()).isNotBlank();
        assertThat(seen.path("explained").asText()).contains("confirm by refunds-need-a-human")
                .contains("people-open-cases"); // every rule, applying or not, with why
        assertThat(seen.path("accountsBefore").asText()).contains("You have connected no account.");
        assertThat(seen.path("connected").asText()).contains("Connected");
        assertThat(seen.path("accountsAfter").asText()).contains("crm");
        assertThat(seen.path("accountsDisconnected").asText()).contains("You have connected no account.")
                .contains("Connect crm");

        assertThat(seen.path("bobUrl").asText()).endsWith("/console/approvals");
        assertThat(seen.path("bobNav").asText()).contains("Approvals").doesNotContain("Calls")
                .doesNotContain("Integrations");
        assertThat(seen.path("bobApproval").asText()).contains("desk.refund", "agent-1", heldCall);
        assertThat(seen.path("bobDecision").asText()).contains("Approved by you.");
        assertThat(seen.path("bobCallsStatus").asInt()).isEqualTo(403);
        assertThat(upstream.exchangesTo("/refunds")).hasSize(1);

        assertThat(seen.path("daveUrl").asText()).endsWith("/console/calls");
        assertThat(seen.path("daveNav").asText()).contains("Calls").doesNotContain("Approvals");
        assertThat(seen.path("daveCalls").asText()).contains("desk.create_case", "user:alice");

        assertThat(seen.path("carolText").asText()).contains("none of your groups holds a console role");
        assertThat(seen.path("carolCookies").toString()).doesNotContain("toolgate_console\"");
    }

    @Test
    void callback_withoutTheLoginCookieOfTheBrowserThatStarted_refused_andTheStateIsUsedUp() throws Exception {
        Started started = start(fx.tenant);
        URI callback = new Browser("alice").open(started.authorization(), client.redirectUri()).url();
        HttpResponse<String> elsewhere = get(callback, "");
        assertThat(elsewhere.statusCode()).isEqualTo(401);
        assertThat(elsewhere.body()).contains("started in another browser");
        assertThat(sessionCookie(elsewhere)).isEmpty();
        HttpResponse<String> again = get(callback, started.loginCookie());
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("unknown or was already used");
        assertThat(sessionCookie(again)).isEmpty();
    }

    @Test
    void callback_completed_opensASession_andItsUrlCannotBeReplayed() throws Exception {
        Started started = start(fx.tenant);
        URI callback = new Browser("alice").open(started.authorization(), client.redirectUri()).url();
        HttpResponse<String> done = get(callback, started.loginCookie());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        String cookie = sessionCookie(done);
        assertThat(cookie).isNotEmpty();
        assertThat(done.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("toolgate_console=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict"));
        assertThat(done.body()).contains("http-equiv=\"refresh\"").doesNotContain("id_token").doesNotContain("code=");
        HttpResponse<String> page = get(URI.create(base() + "/integrations"), cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("user:alice @ " + fx.tenant);
        HttpResponse<String> replay = get(callback, started.loginCookie());
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(sessionCookie(replay)).isEmpty();
    }

    @Test
    void callback_unknownState_refusedWithoutSession() throws Exception {
        HttpResponse<String> r = get(URI.create(base() + "/oidc/callback?state=forged&code=forged"), "forged");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(sessionCookie(r)).isEmpty();
        HttpResponse<String> denied = get(URI.create(base() + "/oidc/callback?state=x&error=access_denied"), "");
        assertThat(denied.statusCode()).isEqualTo(400);
        assertThat(denied.body()).contains("access_denied");
    }

    @Test
    void start_tenantWithoutSignIn_saysSo() throws Exception {
        HttpResponse<String> r = get(URI.create(base() + "/oidc/start?tenant=no-such-tenant"), "");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no OpenID sign-in is set up for tenant");
        assertThat(r.headers().firstValue("location")).isEmpty();
    }

    @Test
    void start_sendsPkceStateAndNonce() throws Exception {
        Started started = start(fx.tenant);
        String query = started.authorization().getRawQuery();
        assertThat(started.authorization().toString()).startsWith(idp.issuer() + "/auth?");
        assertThat(query).contains("code_challenge_method=S256", "code_challenge=", "state=", "nonce=",
                "scope=openid+profile+email+groups", "client_id=toolgate-console");
    }

    @Test
    void wrongClientSecret_theProviderRefusesTheCode_noSession() throws Exception {
        String tenant = otherTenant();
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("console_client")
                .setValue("not-the-secret").build());
        fx.admin().setConsoleSignIn(signIn(tenant).setIssuer(idp.issuer()).build());
        Started started = start(tenant);
        URI callback = new Browser("alice").open(started.authorization(), client.redirectUri()).url();
        HttpResponse<String> r = get(callback, started.loginCookie());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("did not exchange the code").doesNotContain("not-the-secret");
        assertThat(sessionCookie(r)).isEmpty();
    }

    @Test
    void deletedSignIn_endsThePeoplesSessions() throws Exception {
        String tenant = otherTenant();
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName("console_client")
                .setValue(client.secret()).build());
        fx.admin().setConsoleSignIn(signIn(tenant).setIssuer(idp.issuer()).build());
        Started started = start(tenant);
        URI callback = new Browser("bob").open(started.authorization(), client.redirectUri()).url();
        String cookie = sessionCookie(get(callback, started.loginCookie()));
        assertThat(get(URI.create(base() + "/approvals"), cookie).statusCode()).isEqualTo(200);
        fx.admin().deleteConsoleSignIn(DeleteConsoleSignInRequest.newBuilder().setTenant(tenant).build());
        HttpResponse<String> after = get(URI.create(base() + "/approvals"), cookie);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("location").orElseThrow()).isEqualTo("/console/login");
        assertThatThrownBy(() -> fx.admin().deleteConsoleSignIn(DeleteConsoleSignInRequest.newBuilder()
                .setTenant(tenant).build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void set_withoutIssuerOrIdentityProvider_orWithoutGroups_refusedNamingTheField() {
        String tenant = otherTenant();
        assertThatThrownBy(() -> fx.admin().setConsoleSignIn(signIn(tenant).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("issuer").contains("no identity provider");
                });
        assertThatThrownBy(() -> fx.admin().setConsoleSignIn(SetConsoleSignInRequest.newBuilder().setTenant(tenant)
                .setIssuer("not a url").setClientId("").setClientSecret("Bad Name").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("issuer", "client_id", "client_secret",
                            "no group holds a console role");
                });
        HttpResponse<String> r = getQuietly(URI.create(base() + "/oidc/start?tenant=" + tenant));
        assertThat(r.statusCode()).isEqualTo(404); // nothing was stored
    }

    @Test
    void apiKeySession_hasNoConnectedAccounts_andAPlainKeyNoPolicies() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("api_key=" + fx.agentKey)).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        cookie = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> accounts = get(URI.create(base() + "/accounts"), cookie);
        assertThat(accounts.statusCode()).isEqualTo(403);
        assertThat(accounts.body()).contains("belong to a person");
        assertThat(get(URI.create(base() + "/accounts/connect/crm"), cookie).statusCode()).isEqualTo(403);
        assertThat(get(URI.create(base() + "/policies?tool=desk.refund"), cookie).statusCode()).isEqualTo(403);
        assertThat(get(URI.create(base() + "/integrations"), cookie).body()).doesNotContain("/console/policies")
                .doesNotContain("/console/accounts");
    }

    private record Started(URI authorization, String loginCookie) {
    }

    private Started start(String tenant) throws Exception {
        HttpResponse<String> r = get(URI.create(base() + "/oidc/start?tenant=" + tenant), "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        String cookie = r.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith(ConsoleOidcController.LOGIN_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax")
                .contains("Path=/console/oidc");
        return new Started(URI.create(r.headers().firstValue("location").orElseThrow()),
                cookie.substring(0, cookie.indexOf(';')));
    }

    private String otherTenant() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
        Clients.bootstrapAdmin(channel).createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        return tenant;
    }

    private String base() {
        return "http://127.0.0.1:" + server.getPort() + "/console";
    }

    private static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith(ConsoleController.COOKIE + "=")
                && !c.startsWith(ConsoleController.COOKIE + "=;")).map(c -> c.substring(0, c.indexOf(';')))
                .findFirst().orElse("");
    }

    private HttpResponse<String> get(URI uri, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (!cookie.isEmpty()) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getQuietly(URI uri) {
        try {
            return get(uri, "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
