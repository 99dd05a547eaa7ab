package dev.toolgate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The web console against a real gateway: {@code examples/console-e2e/console.test.mjs} drives
 * headless Chromium through sign-in, running a tool from its generated form (a missing required
 * field, then good values), a refund held for confirmation reaching two approvers' pages and
 * decided by both at once (one wins, the other is told who did), and the audit pages; the
 * security checks that need no browser (CSRF, cookie flags, CSP, another tenant's session) use
 * plain HTTP. Screenshots go to {@code target/console-screenshots}.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest implements TestPropertyProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("..").toAbsolutePath().normalize().resolve("examples/console-e2e");
    private static final Path POLICIES = PolicyFiles.newDirectory("toolgate-console-policies");
    static final String XSS = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=1</script>";
    private static final String POLICY = """
            rules:
              - id: refunds-need-a-human
                effect: allow
                tools: [desk.refund]
                agents: ["*"]
                confirm: true
              - id: desk-console
                effect: allow
                tools: [desk.create_case, desk.xss, desk.broken]
                agents: ["*"]
            """;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer server;

    private TestUpstream upstream;
    private TenantFixture fx;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Override
    public Map<String, String> getProperties() {
        PolicyFiles.write(POLICIES, "_all", POLICY);
        return Map.of("toolgate.policy.dir", POLICIES.toString(), "test.telemetry", "memory", // spans: trace ids
                "toolgate.console.trace-url", "https://traces.example/trace/{trace_id}?from=console");
    }

    @BeforeAll
    void tenant() throws Exception {
        upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-42\",\"status\":\"open\"}"))
                .route("/refunds", r -> Reply.json(200, "{\"refunded\":true}"))
                .route("/broken", r -> Reply.json(503, "{\"error\":\"maintenance\"}"))
                .route("/xss", r -> Reply.json(200, "{\"html\":\"" + XSS.replace("\"", "\\\"") + "\"}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"item_id\":{\"type\":\"string\"}},"
                        + "\"required\":[\"item_id\"]}").build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("xss").setDescription("Echo " + XSS).setMethod("POST").setPath("/xss")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"note\":{\"type\":\"string\","
                        + "\"examples\":[\"hello\"]}}}").build());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("broken").setDescription("Always in maintenance").setMethod("POST").setPath("/broken")
                .setInputSchemaJson("{\"type\":\"object\"}").build());
        Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance());
    }

    @Test
    void integrations_showTheLastUpstreamError() throws Exception {
        String session = session(signIn(fx.agentKey));
        assertThat(get("/integrations", session).body()).contains("Last upstream error (24 h)");
        ExecuteToolResponse failed = fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.broken")
                .setArgumentsJson("{}").build());
        assertThat(failed.getIsError()).isTrue();
        dev.toolgate.gateway.support.Eventually.until(() -> {
            try {
                assertThat(get("/integrations", session).body()).contains("UPSTREAM_ERROR 503 on desk.broken");
                assertThat(get("/integrations/desk", session).body()).contains("UPSTREAM_ERROR 503 on desk.broken");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterAll
    void stop() {
        upstream.close();
    }

    @Test
    void browser_signInRunApproveAudit() throws Exception {
        assertThat(EXAMPLE.resolve("node_modules/playwright-core")).as(
                "the example's packages are missing: run the tests with ./toolgate test (it installs them)").exists();
        Path shots = Path.of("target/console-screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        String keys = JSON.writeValueAsString(Map.of("agent", fx.agentKey,
                "approver", fx.key("approver", "tools:confirm"), "approver2", fx.key("approver-2", "tools:confirm"),
                "auditor", fx.key("auditor", "audit:read")));
        ProcessBuilder pb = new ProcessBuilder("node", "console.test.mjs").directory(EXAMPLE.toFile());
        pb.environment().put("CONSOLE_URL", base());
        pb.environment().put("CONSOLE_KEYS", keys);
        pb.environment().put("SCREENSHOTS", shots.toString());
        Path log = Path.of("target/console-e2e.log").toAbsolutePath();
        pb.redirectError(log.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(() -> out + readQuietly(log)).isZero();
        JsonNode seen = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));

        assertThat(seen.path("agentNav").asText()).contains("Integrations").doesNotContain("Approvals");
        assertThat(seen.path("agentApprovalsStatus").asInt()).isEqualTo(403);
        assertThat(seen.path("cookieVisibleToScript").asText()).isEmpty(); // HttpOnly
        assertThat(seen.path("missingFieldError").asText()).contains("customer_id").contains("missing");
        assertThat(seen.path("runOutcome").asText()).contains("SUCCEEDED").contains("C-42").contains("desk-console")
                .contains("sess-console-1");
        assertThat(seen.path("xssDescription").asText()).contains(XSS);
        assertThat(seen.path("xssOutcome").asText()).contains("<script>window.__xss=1</script>");
        assertThat(seen.path("xssRan").asBoolean()).isFalse();
        assertThat(seen.has("dialog")).isFalse();
        assertThat(seen.path("refundOutcome").asText()).contains("PENDING_CONFIRMATION");
        assertThat(seen.path("approvalText").asText()).contains("desk.refund").contains("agent-1").contains("R-77");
        // decided on one page while typed into on another: the second page keeps the item and the typed reason
        assertThat(seen.path("keptReason").asText()).isEqualTo("no refunds today");
        assertThat(seen.path("goneNote").asText()).contains("No longer waiting here");
        assertThat(seen.path("decisions").get(0).asText()).contains("Approved by you.");
        assertThat(seen.path("decisions").get(1).asText()).containsPattern("already approved by approver");
        assertThat(upstream.exchangesTo("/refunds")).hasSize(1); // executed once
        assertThat(seen.path("byAgent").asText()).contains("desk.create_case").contains("agent-1");
        assertThat(seen.path("bySession").asText()).contains("desk.create_case");
        assertThat(seen.path("detail").asText()).contains("desk-console").contains("sess-console-1");
        assertThat(seen.path("traceLink").asText()).matches("https://traces\\.example/trace/[0-9a-f]{32}\\?from=console");
        assertThat(seen.path("sessionView").asText()).contains("desk.create_case").contains("agent-1");
        assertThat(seen.path("byUnknownUser").asText()).contains("No calls match.");
        assertThat(seen.path("byDecision").asText()).contains("desk.refund").doesNotContain("desk.create_case");
        assertThat(seen.path("phoneOverflow").toString()).contains("\"integrations\":false", "\"tool\":false",
                "\"approvals\":false", "\"calls\":false", "\"policies\":false");
        assertThat(seen.path("afterSignOut").asText()).endsWith("/console/login");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1); // the refused form never reached it
    }

    @Test
    void signIn_cookieIsHttpOnlySameSiteStrict_andPagesCarryTheCsp() throws Exception {
        HttpResponse<String> login = signIn(fx.agentKey);
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/console")
                .doesNotContain(fx.agentKey);
        HttpResponse<String> page = get("/integrations", session(login));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.body()).contains("<th>Circuit</th>").contains("<td>closed</td>").contains("desk");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain(" style=").doesNotContain(fx.agentKey);
    }

    @Test
    void signIn_fromThisOrigin_accepted() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "http://127.0.0.1:" + server.getPort())
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("api_key", fx.agentKey)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.headers() + login.body()).isEqualTo(303);
    }

    @Test
    void revokedKey_endsItsConsoleSessions() throws Exception {
        var issued = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("leaver").addScopes("tools:call").build());
        String session = session(signIn(issued.getApiKey()));
        assertThat(get("/integrations", session).statusCode()).isEqualTo(200);
        fx.admin().revokeApiKey(dev.toolgate.proto.v1.RevokeApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setKeyId(issued.getKeyId()).build());
        HttpResponse<String> after = get("/integrations", session);
        assertThat(after.statusCode()).isEqualTo(303);
        assertThat(after.headers().firstValue("location").orElseThrow()).isEqualTo("/console/login");
    }

    @Test
    void signOut_endsTheSessionOnTheServer() throws Exception {
        String session = session(signIn(fx.agentKey));
        assertThat(post("/logout", session, Map.of("x", "y")).statusCode()).isEqualTo(403); // no CSRF token: still signed in
        assertThat(get("/integrations", session).statusCode()).isEqualTo(200);
        assertThat(post("/logout", session, Map.of("csrf", csrf(session))).statusCode()).isEqualTo(303);
        assertThat(get("/integrations", session).statusCode()).isEqualTo(303); // the old cookie is worthless
    }

    @Test
    void signIn_wrongKey_refusedWithoutSession() throws Exception {
        HttpResponse<String> login = signIn("tg_notakey");
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(login.headers().firstValue("set-cookie")).isEmpty();
        assertThat(get("/integrations", "").statusCode()).isEqualTo(303); // to the sign-in form
    }

    @Test
    void run_withoutCsrfToken_refusedAndNothingCalled() throws Exception {
        String session = session(signIn(fx.agentKey));
        int before = upstream.exchangesTo("/cases").size();
        HttpResponse<String> noToken = post("/tools/desk.create_case", session,
                Map.of("/customer_id", "acme", "/summary", "x", "/priority", "low"));
        HttpResponse<String> wrongToken = post("/tools/desk.create_case", session,
                Map.of("csrf", "forged", "/customer_id", "acme", "/summary", "x", "/priority", "low"));
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF");
        assertThat(upstream.exchangesTo("/cases")).hasSize(before);
        // with the token (and from another site's page) the outcome differs
        HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create(base() + "/tools/desk.create_case"))
                .header("Cookie", session).header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("csrf", csrf(session), "/customer_id", "acme",
                        "/summary", "x", "/priority", "low")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = post("/tools/desk.create_case", session, Map.of("csrf", csrf(session),
                "/customer_id", "acme", "/summary", "x", "/priority", "low"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("SUCCEEDED");
        assertThat(upstream.exchangesTo("/cases")).hasSize(before + 1);
    }

    @Test
    void otherTenantsApprover_seesNothingOfThisTenant() throws Exception {
        ExecuteToolResponse held = fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.refund")
                .setArgumentsJson("{\"item_id\":\"SECRET-ORDER-9\"}").build());
        String callId = held.getCallId();
        String other = "t-" + UUID.randomUUID().toString().substring(0, 12);
        var admin = Clients.bootstrapAdmin(channel);
        admin.createTenant(CreateTenantRequest.newBuilder().setId(other).build());
        String otherKey = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(other).setAgentId("boss")
                .addScopes("tools:confirm").addScopes("tools:call").addScopes("admin").build()).getApiKey();
        String session = session(signIn(otherKey));
        for (String path : List.of("/approvals", "/approvals/pending", "/integrations", "/calls",
                "/calls?agent=agent-1", "/integrations/desk", "/tools/desk.refund", "/calls/" + callId)) {
            HttpResponse<String> r = get(path, session);
            assertThat(r.body()).as(path).doesNotContain("SECRET-ORDER-9").doesNotContain(callId)
                    .doesNotContain("desk.refund").doesNotContain(fx.tenant);
        }
        assertThat(get("/calls/" + callId, session).statusCode()).isEqualTo(404);
        assertThat(get("/tools/desk.refund", session).statusCode()).isEqualTo(404);
        HttpResponse<String> approve = post("/approvals/" + callId, session,
                Map.of("csrf", csrf(session), "decision", "approve", "reason", "mine now"));
        assertThat(approve.statusCode()).isEqualTo(404);
        assertThat(upstream.exchangesTo("/refunds").stream()
                .filter(e -> e.body().contains("SECRET-ORDER-9"))).isEmpty();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getPort() + "/console";
    }

    private HttpResponse<String> signIn(String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("api_key", key)))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String session(HttpResponse<String> login) {
        String cookie = login.headers().firstValue("set-cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    private String csrf(String session) throws Exception {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(get("/integrations", session).body());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (!session.isEmpty()) {
            b.header("Cookie", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String session, Map<String, String> fields) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Cookie", session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((k, v) -> out.append(out.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }
}
