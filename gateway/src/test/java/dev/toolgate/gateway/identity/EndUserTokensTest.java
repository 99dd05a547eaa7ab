package dev.toolgate.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.ErrorInfo;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.OidcProvider;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.EndUser;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetSessionRequest;
import dev.toolgate.proto.v1.QueryCallsRequest;
import dev.toolgate.proto.v1.SetIdentityProviderRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The end user on a call, proven by a JWT of the tenant's identity provider — a real OpenID
 * provider ({@code oidc-provider}) on 127.0.0.1 whose ID tokens a browser-driven sign-in obtains —
 * or asserted by a trusted key: each kind of bad token is refused with the check that failed, and
 * an accepted user is on the call's row, span, session, audit query and policy variables.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndUserTokensTest implements TestPropertyProvider {
    private static final String CASE = "{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}";
    private static final OidcProvider.Client APP = new OidcProvider.Client("agent-app", "agent-app-secret",
            "http://127.0.0.1:9/callback");

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    MutableClock clock;

    @Inject
    InMemorySpanExporter spans;

    private OidcProvider idp;
    private TestUpstream jwksProxy;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private String jwksPath;

    @Override
    public Map<String, String> getProperties() {
        Path policies = PolicyFiles.newDirectory("end-user-policies");
        PolicyFiles.write(policies, "_all", """
                rules:
                  - id: no-mallory
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: '"email" in user.claims && user.claims.email == "mallory@example.test"'
                  - id: users-only-for-user-tools
                    effect: deny
                    tools: ["desk.user_only"]
                    agents: ["*"]
                    when: 'user.id == ""'
                  - id: allow-the-rest
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """);
        return Map.of("test.clock", "mutable", "test.telemetry", "memory", "toolgate.policy.dir", policies.toString());
    }

    @BeforeAll
    void startProvider() throws IOException {
        idp = OidcProvider.start(List.of(APP), Map.of("ID_TOKEN_TTL", "600"));
        // the provider's JWKS as the gateway fetches it, counted; one path per test: one cache entry each
        jwksProxy = TestUpstream.start().route("/jwks/", r -> {
            jwksFetches.incrementAndGet();
            return Reply.json(200, get(idp.jwksUrl()));
        });
    }

    @AfterAll
    void stopProvider() {
        idp.close();
        jwksProxy.close();
    }

    @BeforeEach
    void setUp() {
        gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"));
        gateway.fixture().createCaseTool("/cases", 5_000);
        jwksPath = "/jwks/" + gateway.tenant();
        setProvider(idp.issuer(), APP.id());
        spans.reset();
    }

    @Test
    void validToken_isAccepted_andTheUserIsOnTheRowSpanSessionAndAudit() {
        String token = idp.signIn("alice", APP, "openid email").idToken();

        ExecuteToolResponse r = call(gateway.agent(), token, "alice-1", "s-alice");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(gateway.upstream().exchanges()).hasSize(1);
        Map<String, Object> row = gateway.rows().call(gateway.tenant(), "alice-1");
        assertThat(row).containsEntry("user_id", "alice");
        assertThat(row.values().toString()).doesNotContain(token);
        SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("execute_tool"))
                .findFirst().orElseThrow();
        assertThat(span.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("user.id"), "alice");
        assertThat(spans.getFinishedSpanItems().toString()).doesNotContain(token);
        assertThat(gateway.agent().getSession(GetSessionRequest.newBuilder().setSessionId("s-alice").build())
                .getCalls(0).getUserId()).isEqualTo("alice");
        assertThat(gateway.admin().queryCalls(QueryCallsRequest.newBuilder().setTenant(gateway.tenant())
                .setUserId("alice").build()).getCallsList()).extracting(c -> c.getCallId()).containsExactly("alice-1");
        assertThat(gateway.admin().queryCalls(QueryCallsRequest.newBuilder().setTenant(gateway.tenant())
                .setUserId("bob").build()).getCallsList()).isEmpty();
        assertThat(jwksFetches.get()).isPositive();
    }

    @Test
    void policies_readUserIdAndClaims() {
        gateway.fixture().admin().upsertHttpTool(dev.toolgate.proto.v1.UpsertHttpToolRequest.newBuilder()
                .setTenant(gateway.tenant()).setIntegration("desk").setName("user_only").setDescription("for users")
                .setMethod("POST").setPath("/cases").setInputSchemaJson("{\"type\":\"object\"}").build());
        StatusRuntimeException noUser = catchThrowableOfType(StatusRuntimeException.class, () -> gateway.agent()
                .executeTool(ExecuteToolRequest.newBuilder().setTool("desk.user_only").setArgumentsJson("{}").build()));
        assertThat(Clients.errorInfo(noUser).getMetadataMap()).containsEntry("rule_id", "users-only-for-user-tools");

        String alice = idp.signIn("alice", APP, "openid email").idToken();
        assertThat(gateway.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.user_only")
                .setArgumentsJson("{}").setUser(EndUser.newBuilder().setToken(alice)).build()).getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        String mallory = idp.signIn("mallory", APP, "openid email").idToken(); // email claim: mallory@example.test
        StatusRuntimeException denied = catchThrowableOfType(StatusRuntimeException.class, () ->
                call(gateway.agent(), mallory, "mallory-1", ""));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(denied).getMetadataMap()).containsEntry("rule_id", "no-mallory");
        assertThat(gateway.rows().call(gateway.tenant(), "mallory-1")).containsEntry("user_id", "mallory");
    }

    @Test
    void expiredToken_isRefused_beyondTheClockSkew() {
        String token = idp.signIn("alice", APP, "openid").idToken(); // valid for 600 s
        java.time.Instant exp = java.time.Instant.ofEpochSecond(
                com.fasterxml.jackson.databind.json.JsonMapper.builder().build().convertValue(
                        parsePayload(token), com.fasterxml.jackson.databind.JsonNode.class).path("exp").asLong());
        Duration toJustAfterExpiry = Duration.between(clock.instant(), exp.plusSeconds(50)); // within the 60 s skew
        clock.advance(toJustAfterExpiry);
        try {
            assertThat(call(gateway.agent(), token, "skew-1", "").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
            clock.advance(Duration.ofSeconds(20)); // 70 s after expiry
            refused(token, "exp", "expired at");
        } finally {
            clock.advance(toJustAfterExpiry.plusSeconds(20).negated());
        }
    }

    @Test
    void wrongAudience_isRefused() {
        setProvider(idp.issuer(), "another-app");
        refused(idp.signIn("alice", APP, "openid").idToken(), "aud", "does not include 'another-app'");
    }

    @Test
    void wrongIssuer_isRefused() {
        setProvider("https://login.example.com", APP.id());
        refused(idp.signIn("alice", APP, "openid").idToken(), "iss", "not by the tenant's identity provider");
    }

    @Test
    void badSignature_isRefused() {
        String token = idp.signIn("alice", APP, "openid").idToken();
        String[] parts = token.split("\\.");
        String otherPayload = Base64URL.encode(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"bob\"")).toString();
        refused(parts[0] + "." + otherPayload + "." + parts[2], "signature", "does not verify");
    }

    @Test
    void algNone_isRefused() {
        String token = idp.signIn("alice", APP, "openid").idToken();
        String payload = token.split("\\.")[1];
        String none = Base64URL.encode("{\"alg\":\"none\"}").toString();
        refused(none + "." + payload + ".", "alg", "unsigned (alg none)");
    }

    @Test
    void hmacSignedWithThePublicKey_isRefused() throws Exception {
        RSAKey published = idp.keys().get(0).toPublicJWK();
        byte[] publicKeyBytes = published.toRSAPublicKey().getEncoded(); // what a confused verifier would use
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
                claims("alice"));
        forged.sign(new MACSigner(publicKeyBytes));
        refused(forged.serialize(), "alg", "HS256 is not accepted");
    }

    @Test
    void unknownKid_refetchesTheJwksOnce_acceptingARotatedKeyAndRefusingAForeignOne() throws Exception {
        assertThat(call(gateway.agent(), idp.signIn("alice", APP, "openid").idToken(), "before-rotation", "")
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        int fetchesBefore = jwksFetches.get();

        RSAKey rotated = OidcProvider.newKey();
        idp.restartWith(List.of(rotated, idp.keys().get(0))); // the provider rotates: a new key signs
        String signedByRotated = idp.signIn("alice", APP, "openid").idToken();
        assertThat(SignedJWT.parse(signedByRotated).getHeader().getKeyID()).isEqualTo(rotated.getKeyID());
        assertThat(call(gateway.agent(), signedByRotated, "after-rotation", "").getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(jwksFetches.get()).isEqualTo(fetchesBefore + 1);

        RSAKey foreign = OidcProvider.newKey(); // a key the provider never published
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(foreign.getKeyID()).build(),
                claims("alice"));
        forged.sign(new RSASSASigner(foreign));
        refused(forged.serialize(), "kid", "does not publish");
        refused(forged.serialize(), "kid", "does not publish");
        assertThat(jwksFetches.get()).as("fetched again at most once per jwks-min-refresh").isEqualTo(fetchesBefore + 1);
    }

    @Test
    void assertedUserId_onlyFromAKeyWithUsersAssert() {
        StatusRuntimeException untrusted = catchThrowableOfType(StatusRuntimeException.class, () -> gateway.agent()
                .executeTool(request("asserted-0").setUser(EndUser.newBuilder().setUserId("u-42")).build()));
        assertThat(untrusted.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Clients.errorInfo(untrusted).getReason()).isEqualTo("USER_ASSERTION_NOT_ALLOWED");
        assertThat(gateway.upstream().exchanges()).isEmpty();

        ToolServiceGrpc.ToolServiceBlockingStub trusted = gateway.fixture().toolsAs("backend", "tools:call",
                "users:assert");
        assertThat(trusted.executeTool(request("asserted-1").setUser(EndUser.newBuilder().setUserId("u-42")).build())
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(gateway.rows().call(gateway.tenant(), "asserted-1")).containsEntry("user_id", "u-42");
    }

    @Test
    void tokenWithoutAnIdentityProvider_isRefused_andBadSettingsAreNamed() {
        gateway.admin().deleteIdentityProvider(dev.toolgate.proto.v1.DeleteIdentityProviderRequest.newBuilder()
                .setTenant(gateway.tenant()).build());
        String token = idp.signIn("alice", APP, "openid").idToken();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                call(gateway.agent(), token, "no-idp", ""));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("IDENTITY_PROVIDER_NOT_CONFIGURED");

        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () -> gateway.admin()
                .setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(gateway.tenant())
                        .setIssuer("").setJwksUrl("file:///etc/passwd").setAudience("a").build()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(bad)).extracting(v -> v.getField()).containsExactly("issuer", "jwks_url");
    }

    private void refused(String token, String check, String message) {
        int sentBefore = gateway.upstream().exchanges().size();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                call(gateway.agent(), token, "", ""));
        assertThat(e).as("a token failing the %s check is refused", check).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        ErrorInfo info = Clients.errorInfo(e);
        assertThat(info.getReason()).isEqualTo("USER_TOKEN_INVALID");
        assertThat(info.getMetadataMap()).containsEntry("check", check);
        assertThat(e.getStatus().getDescription()).contains(message).doesNotContain(token);
        assertThat(gateway.upstream().exchanges()).hasSize(sentBefore);
        assertThat(gateway.rows().calls(gateway.tenant())).filteredOn(row -> "DENIED".equals(row.get("status")))
                .isNotEmpty().allSatisfy(row -> assertThat(row.values().toString()).doesNotContain(token));
    }

    private ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub agent, String token, String callId,
            String session) {
        return agent.executeTool(request(callId).setSessionId(session).setUser(EndUser.newBuilder().setToken(token))
                .build());
    }

    private static ExecuteToolRequest.Builder request(String callId) {
        return ExecuteToolRequest.newBuilder().setTool("desk.create_case").setArgumentsJson(CASE).setCallId(callId);
    }

    private void setProvider(String issuer, String audience) {
        gateway.admin().setIdentityProvider(SetIdentityProviderRequest.newBuilder().setTenant(gateway.tenant())
                .setIssuer(issuer).setJwksUrl(jwksProxy.baseUrl() + jwksPath).setAudience(audience).build());
    }

    private JWTClaimsSet claims(String subject) {
        Date now = Date.from(clock.instant());
        return new JWTClaimsSet.Builder().issuer(idp.issuer()).audience(APP.id()).subject(subject).issueTime(now)
                .expirationTime(Date.from(clock.instant().plusSeconds(300))).build();
    }

    private static Map<String, Object> parsePayload(String token) {
        try {
            return SignedJWT.parse(token).getPayload().toJSONObject();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(URI url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
