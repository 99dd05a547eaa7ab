package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.gateway.telemetry.CallSpans;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateTenantRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.OpenApiImportOptions;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.QueryCallsRequest;
import dev.toolgate.proto.v1.QueryCallsResponse;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attack: an upstream (malicious, or just verbose) echoes the request it got — query string,
 * headers — in its answer or its error page. The credentials the gateway injected into that
 * request must not come back to the agent, into the call record, {@code QueryCalls} or a span, in
 * any of the encodings they travelled in.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InjectedSecretEchoTest implements TestPropertyProvider {
    private static final String DOC = """
            openapi: 3.0.3
            info: {title: echo, version: "1"}
            servers: [{url: "https://echo.invalid"}]
            components:
              securitySchemes:
                q: {type: apiKey, in: query, name: api_key}
                h: {type: apiKey, in: header, name: X-Api-Key}
                b: {type: http, scheme: basic}
            security: [{q: [], h: [], b: []}]
            paths:
              /echo:
                get:
                  operationId: echo
                  responses: {'200': {description: ok}}
              /fail:
                get:
                  operationId: fail
                  responses: {'500': {description: error}}
            """;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    DataSource dataSource;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.telemetry", "memory", "toolgate.telemetry.capture-content", "true",
                "toolgate.telemetry.capture-max-chars", "100000");
    }

    /** The request as the upstream saw it: raw query, decoded query, every header. */
    private static String echo(TestUpstream.Exchange r) {
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        String uri = r.uri();
        String rawQuery = uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : "";
        body.put("raw_query", rawQuery);
        body.put("decoded_query", java.net.URLDecoder.decode(rawQuery, StandardCharsets.UTF_8));
        ObjectNode headers = body.putObject("headers");
        r.headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        return body.toString();
    }

    @Test
    void echoedInjectedCredentials_areMaskedInTheResultTheRowQueryCallsAndSpans() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String queryKey = "qk/" + id + "+&=?"; // changes under URL encoding
        String headerKey = "hk\"" + id + "\\x"; // changes under JSON escaping
        String basic = "ada:pw-" + id; // travels base64-encoded
        try (TestUpstream upstream = TestUpstream.start()
                .route("/echo", r -> Reply.json(200, echo(r)))
                .route("/fail", r -> new Reply(500, "text/plain", "bad request: " + r.uri() + " "
                        + r.headers(), 0))) {
            AdminServiceGrpc.AdminServiceBlockingStub admin = Clients.bootstrapAdmin(channel);
            String tenant = "echo-" + id;
            admin.createTenant(CreateTenantRequest.newBuilder().setId(tenant).build());
            for (Map.Entry<String, String> s : Map.of("echo_q", queryKey, "echo_h", headerKey, "echo_b", basic)
                    .entrySet()) {
                admin.putSecret(PutSecretRequest.newBuilder().setTenant(tenant).setName(s.getKey())
                        .setValue(s.getValue()).build());
            }
            admin.importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(tenant).setIntegration("echo")
                    .setDocument(DOC).setOptions(OpenApiImportOptions.newBuilder().setBaseUrl(upstream.baseUrl())
                            .putSecrets("q", "echo_q").putSecrets("h", "echo_h").putSecrets("b", "echo_b"))
                    .build());
            String key = admin.createApiKey(CreateApiKeyRequest.newBuilder().setTenant(tenant).setAgentId("bot")
                    .build()).getApiKey();
            spans.reset();

            ExecuteToolResponse ok = Clients.tools(channel, key).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("echo.echo").setCallId("echo-1").setArgumentsJson("{}").build());
            ExecuteToolResponse failed = Clients.tools(channel, key).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("echo.fail").setCallId("echo-2").setArgumentsJson("{}").build());

            // the upstream did get the credentials: the echo is real
            TestUpstream.Exchange sent = upstream.exchangesTo("/echo").get(0);
            assertThat(sent.uri()).contains("api_key=" + URLEncoder.encode(queryKey, StandardCharsets.UTF_8)
                    .replace("+", "%20").replace("%2F", "%2F"));
            assertThat(sent.header("X-Api-Key")).isEqualTo(headerKey);
            assertThat(ok.getIsError()).isFalse();
            assertThat(failed.getIsError()).isTrue();
            assertThat(ok.getResultJson()).contains("[REDACTED]").contains("raw_query");

            List<String> forms = forms(queryKey, headerKey, basic);
            String stored = new CallRows(dataSource).calls(tenant).toString();
            QueryCallsResponse trail = admin.queryCalls(QueryCallsRequest.newBuilder().setTenant(tenant).build());
            String traced = spans.getFinishedSpanItems().stream().map(SpanData::getAttributes).toList().toString();
            assertThat(traced).contains(CallSpans.RESULT.getKey());
            for (String form : forms) {
                assertThat(ok.getResultJson()).as("result returned to the agent").doesNotContain(form);
                assertThat(failed.getResultJson()).as("error result returned to the agent").doesNotContain(form);
                assertThat(stored).as("call rows").doesNotContain(form);
                assertThat(trail.toString()).as("QueryCalls").doesNotContain(form);
                assertThat(traced).as("span attributes").doesNotContain(form);
            }
        }
    }

    /** Each secret as sent and as an echo may carry it. */
    private static List<String> forms(String queryKey, String headerKey, String basic) {
        List<String> forms = new java.util.ArrayList<>();
        for (String s : List.of(queryKey, headerKey, basic)) {
            forms.add(s);
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
            forms.add(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
            String json = JsonSupport.mapper().createArrayNode().add(s).toString();
            forms.add(json.substring(2, json.length() - 2));
        }
        forms.add(basic.substring(basic.indexOf(':') + 1)); // the password alone
        return forms;
    }
}
