package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The call's trace: one span per call after the GenAI conventions, its stages, and the context carried on. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest implements TestPropertyProvider {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";
    private static final String CASE = "{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    DataSource dataSource;

    TestUpstream upstream;
    TenantFixture fx;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.telemetry", "memory");
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))
                .route("/broken", r -> Reply.json(503, "{}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        spans.reset();
    }

    @Test
    void aCallIsOneSpanTreeInTheCallersTrace_andTheUpstreamGetsTheContext() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + TRACE + "-" + PARENT_SPAN + "-01");
        ToolServiceGrpc.ToolServiceBlockingStub agent = fx.agent()
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId("traced-1")
                .setSessionId("s-9").setArgumentsJson(CASE).build());

        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData call = one(all, "execute_tool desk.create_case");
        assertThat(call.getTraceId()).isEqualTo(TRACE);
        assertThat(call.getParentSpanId()).isEqualTo(PARENT_SPAN);
        assertThat(call.getAttributes().asMap()).containsEntry(AttributeKey.stringKey("gen_ai.operation.name"), "execute_tool")
                .containsEntry(AttributeKey.stringKey("gen_ai.tool.name"), "desk.create_case")
                .containsEntry(AttributeKey.stringKey("gen_ai.tool.call.id"), "traced-1")
                .containsEntry(AttributeKey.stringKey("gen_ai.tool.type"), "extension")
                .containsEntry(AttributeKey.stringKey("gen_ai.tool.description"), "Open a support case")
                .containsEntry(AttributeKey.stringKey("toolgate.tenant"), fx.tenant)
                .containsEntry(AttributeKey.stringKey("toolgate.agent"), "agent-1")
                .containsEntry(AttributeKey.stringKey("toolgate.session"), "s-9")
                .containsEntry(AttributeKey.longKey("toolgate.tool.version"), 1L)
                .containsEntry(AttributeKey.stringKey("toolgate.policy.decision"), "allow")
                .containsEntry(AttributeKey.stringKey("toolgate.call.status"), "SUCCEEDED");
        for (String stage : List.of("validate", "policy")) {
            assertThat(one(all, stage).getParentSpanId()).as(stage).isEqualTo(call.getSpanId());
        }
        SpanData http = one(all, "POST");
        assertThat(http.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(http.getParentSpanId()).isEqualTo(call.getSpanId());
        assertThat(http.getAttributes().asMap())
                .containsEntry(AttributeKey.stringKey("http.request.method"), "POST")
                .containsEntry(AttributeKey.longKey("http.response.status_code"), 201L)
                .containsEntry(AttributeKey.stringKey("server.address"), "127.0.0.1")
                .containsEntry(AttributeKey.stringKey("url.full"), upstream.baseUrl() + "/cases");
        String sent = upstream.exchanges().get(0).header("traceparent");
        assertThat(sent).startsWith("00-" + TRACE + "-" + http.getSpanId());
        assertThat(new CallRows(dataSource).call(fx.tenant, "traced-1")).containsEntry("trace_id", TRACE);
        assertThat(all.toString()).doesNotContain("Bearer ").doesNotContain(fx.token).doesNotContain("acme");
    }

    @Test
    void aRefusedCallIsAFailedSpanWithTheReason() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> Clients.tools(channel,
                fx.agentKey).executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                .setArgumentsJson("{}").build()));

        SpanData call = one(spans.getFinishedSpanItems(), "execute_tool desk.create_case");
        assertThat(e).isNotNull();
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("INVALID_ARGUMENT");
        assertThat(call.getParentSpanId()).isEqualTo("0000000000000000"); // no traceparent: a new trace
    }

    private static SpanData one(List<SpanData> all, String name) {
        List<SpanData> found = all.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("spans named " + name + " in " + all.stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }
}
