package dev.toolgate.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Schema patterns cannot freeze the gateway (issue 21, finding 2): {@code ^(.*a){4}$} on a
 * 300-char argument backtracked for seconds per call with java.util.regex, and a few parallel
 * calls held every carrier thread. Patterns run with RE2/J now, on the validation threads.
 */
@MicronautTest
class ReDosTest {
    static final String EVIL = "^(.*a){4}$";
    static final String ARGUMENT = "a".repeat(299) + "!";

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    dev.toolgate.gateway.management.ManagementServer management;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void execute_backtrackingPatternOnLongArgument_answersAndOtherTenantsAndHealthStayServed() throws Exception {
        try (TestUpstream upstream = TestUpstream.start().route("/", r -> Reply.json(200, "{\"ok\":true}"))) {
            TenantFixture attacker = TenantFixture.create(channel, upstream.baseUrl());
            attacker.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(attacker.tenant)
                    .setIntegration("desk").setName("match").setDescription("Match a code").setMethod("POST")
                    .setPath("/match").setInputSchemaJson("""
                            {"type":"object","properties":{"code":{"type":"string","pattern":"%s"}}}"""
                            .formatted(EVIL)).build());
            TenantFixture victim = TenantFixture.create(channel, upstream.baseUrl());
            victim.createCaseTool("/cases", 5_000);

            int parallel = 4 * Runtime.getRuntime().availableProcessors();
            List<CompletableFuture<StatusRuntimeException>> attacks = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
                for (int i = 0; i < parallel; i++) {
                    String callId = "redos-" + i;
                    attacks.add(CompletableFuture.supplyAsync(() -> catchThrowableOfType(StatusRuntimeException.class,
                            () -> Clients.tools(channel, attacker.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                                    .setTool("desk.match").setCallId(callId)
                                    .setArgumentsJson("{\"code\":\"" + ARGUMENT + "\"}").build())), pool));
                }

                ExecuteToolResponse other = Clients.tools(channel, victim.agentKey).executeTool(ExecuteToolRequest
                        .newBuilder().setTool("desk.create_case").setCallId("victim-1")
                        .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"b\",\"priority\":\"low\"}").build());
                HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(other.getIsError()).isFalse();
                assertThat(health.statusCode()).isEqualTo(200);
                for (CompletableFuture<StatusRuntimeException> attack : attacks) {
                    StatusRuntimeException e = attack.get();
                    assertThat(e).isNotNull();
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(Clients.violations(e)).anySatisfy(v -> assertThat(v.getField()).isEqualTo("/code"));
                }
            }
            assertThat(upstream.exchanges()).allSatisfy(x -> assertThat(x.uri()).startsWith("/cases"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void importOpenApi_backtrackingPatternInSchema_parallelCallsAnswer() throws Exception {
        String tenant = newTenant();
        ImportOpenApiResponse imported = importDoc(tenant, document("code", EVIL));
        assertThat(imported.getAddedList()).containsExactly("codes.match_code");

        var tools = Clients.tools(channel, Clients.bootstrapAdmin(channel).createApiKey(CreateApiKeyRequest
                .newBuilder().setTenant(tenant).setAgentId("bot").addScopes("tools:call").build()).getApiKey());
        List<CompletableFuture<StatusRuntimeException>> calls = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
                String callId = "import-redos-" + i;
                calls.add(CompletableFuture.supplyAsync(() -> catchThrowableOfType(StatusRuntimeException.class,
                        () -> tools.executeTool(ExecuteToolRequest.newBuilder().setTool("codes.match_code")
                                .setCallId(callId).setArgumentsJson("{\"code\":\"" + ARGUMENT + "\"}").build())),
                        pool));
            }
            for (CompletableFuture<StatusRuntimeException> call : calls) {
                assertThat(call.get().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        }
    }

    @Test
    void importOpenApi_lookaheadPattern_operationIsSkippedWithWarningNamingPatternAndLocation() {
        String tenant = newTenant();
        String document = document("code", "^[a-z]+$") + OPERATION.formatted("/password", "setPassword",
                "password", "^(?=.*[0-9]).{8,}$");

        ImportOpenApiResponse imported = importDoc(tenant, document);

        assertThat(imported.getAddedList()).containsExactly("codes.match_code");
        assertThat(imported.getWarningsList()).anySatisfy(w -> {
            assertThat(w.getSkipped()).isTrue();
            assertThat(w.getMessage()).contains("^(?=.*[0-9]).{8,}$").contains("/properties/password/pattern")
                    .contains("RE2");
        });
    }

    @Test
    void upsertHttpTool_patternsRe2Refuses_areInvalidArgumentNamingEachPatternAndItsLocation() {
        TenantFixture fx = TenantFixture.create(channel, "https://codes.invalid");
        String schema = """
                {"type":"object",
                 "properties":{
                   "a":{"type":"string","pattern":"(x)\\\\1"},
                   "b":{"type":"array","items":{"type":"string","pattern":"((a{100}){100}){100}"}},
                   "pattern":{"type":"string","default":"(?=ignored)"}},
                 "patternProperties":{"^(?<!y)z$":{"type":"string"}}}""";

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                        .setName("codes").setDescription("Codes").setMethod("POST").setPath("/codes")
                        .setInputSchemaJson(schema).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).extracting(v -> v.getDescription()).containsExactlyInAnyOrder(
                "input_schema_json/properties/a/pattern: pattern '(x)\\1' is not supported (error parsing regexp:"
                        + " invalid escape sequence: `\\1`); patterns run with RE2, which has no lookahead,"
                        + " lookbehind or backreferences",
                "input_schema_json/properties/b/items/pattern: pattern '((a{100}){100}){100}' expands its counted"
                        + " repetitions ({n}, {n,m}) to more than 2000 steps; use smaller counts or fewer nested"
                        + " repetitions",
                "input_schema_json/patternProperties/^(?<!y)z$: pattern '^(?<!y)z$' is not supported (error parsing"
                        + " regexp: invalid named capture: `(?<!y)z$`); patterns run with RE2, which has no"
                        + " lookahead, lookbehind or backreferences");
    }

    @Test
    void execute_formatRegexArgument_runsWithRe2AndRefusesWhatItCannotRun() {
        TenantFixture fx = TenantFixture.create(channel, "https://codes.invalid");
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("search").setDescription("Search").setMethod("POST").setPath("/search")
                .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"re\":{\"type\":\"string\","
                        + "\"format\":\"regex\"}}}").build());

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                fx.agent().executeTool(ExecuteToolRequest.newBuilder()
                        .setTool("desk.search").setCallId("fmt-1")
                        .setArgumentsJson("{\"re\":\"((a{1000}){1000}){1000}\"}").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(e)).anySatisfy(v -> assertThat(v.getField()).isEqualTo("/re"));
    }

    private static final String OPERATION = """
              %s:
                post:
                  operationId: %s
                  summary: An operation.
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema:
                          type: object
                          properties:
                            %s: {type: string, pattern: '%s'}
                  responses: {'200': {description: ok}}
            """;

    private static String document(String property, String pattern) {
        return """
                openapi: 3.0.3
                info: {title: Codes, version: '1'}
                servers: [{url: 'https://codes.invalid'}]
                paths:
                """ + OPERATION.formatted("/match", "matchCode", property, pattern);
    }

    private String newTenant() {
        String tenant = "rd-" + UUID.randomUUID().toString().substring(0, 10);
        Clients.bootstrapAdmin(channel).createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
        return tenant;
    }

    private ImportOpenApiResponse importDoc(String tenant, String document) {
        return Clients.bootstrapAdmin(channel).importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant)
                .setIntegration("codes").setDocument(document).build());
    }
}
