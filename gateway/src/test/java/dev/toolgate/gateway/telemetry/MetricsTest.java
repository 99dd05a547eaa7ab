package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import java.time.Duration;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import dev.toolgate.gateway.management.ManagementServer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on the management listener: calls counted by tenant, tool, outcome and decision, in
 * Prometheus text; the agents' HTTP port does not serve it (nor {@code /health}).
 */
@MicronautTest
@Property(name = "toolgate.metrics.refresh-interval", value = "100ms")
class MetricsTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    @Inject
    ManagementServer management;

    @Test
    void callsAreCountedWithBoundedLabels() throws Exception {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 5_000);
            ToolServiceGrpc.ToolServiceBlockingStub agent = fx.agent();
            for (int i = 0; i < 2; i++) {
                agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                        .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"s\",\"priority\":\"low\"}").build());
            }
            catchThrowableOfType(StatusRuntimeException.class, () -> agent.executeTool(ExecuteToolRequest
                    .newBuilder().setTool("desk.create_case").setArgumentsJson("{}").build()));
            catchThrowableOfType(StatusRuntimeException.class, () -> agent.executeTool(ExecuteToolRequest
                    .newBuilder().setTool("attacker.chosen_" + System.nanoTime()).setArgumentsJson("{}").build()));

            HttpResponse<String> scrape = get(management.port(), "/metrics");

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String t = "tenant=\"" + fx.tenant + "\"";
            assertThat(scrape.body())
                    .contains("toolgate_calls_total{decision=\"allow\",outcome=\"SUCCEEDED\"," + t
                            + ",tool=\"desk.create_case\"} 2.0")
                    .contains("toolgate_calls_total{decision=\"none\",outcome=\"INVALID_ARGUMENT\"," + t
                            + ",tool=\"desk.create_case\"} 1.0")
                    .contains("toolgate_calls_total{decision=\"none\",outcome=\"TOOL_NOT_FOUND\"," + t
                            + ",tool=\"unknown\"} 1.0")
                    .contains("toolgate_call_duration_seconds_bucket{outcome=\"SUCCEEDED\"," + t
                            + ",tool=\"desk.create_case\",le=\"+Inf\"} 2")
                    .contains("toolgate_upstream_duration_seconds_count{integration=\"desk\",outcome=\"answered\","
                            + t + "} 2")
                    .contains("toolgate_gateway_overhead_seconds_count{" + t + "} 2")
                    .contains("toolgate_audit_backlog ")
                    .contains("toolgate_audit_store_up 1.0")
                    .contains("toolgate_audit_dropped_total 0.0")
                    .contains("toolgate_retries_total{integration=\"desk\"," + t + "} 0.0")
                    .contains("toolgate_bulkhead_in_flight{integration=\"desk\"," + t + "} 0.0")
                    .contains("toolgate_circuit_state{integration=\"desk\"," + t + "} 0.0")
                    .contains("toolgate_policy_reloads_total ")
                    .doesNotContain("attacker.chosen");
        }
    }

    @Test
    void agentsPort_metricsAndHealth_areNotFoundAndListNoTenant() throws Exception {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            fx.createCaseTool("/cases", 5_000);
            fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case")
                    .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"s\",\"priority\":\"low\"}").build());

            HttpResponse<String> metrics = get(http.getPort(), "/metrics");
            HttpResponse<String> health = get(http.getPort(), "/health");

            assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(404);
            assertThat(metrics.body()).doesNotContain(fx.tenant).doesNotContain("toolgate_calls_total");
            assertThat(health.statusCode()).isEqualTo(404);
            assertThat(get(management.port(), "/metrics").body()).contains("tenant=\"" + fx.tenant + "\"");
        }
    }

    @Test
    void managementListener_health_isUpWhileTheDatabaseAnswers_andTellsThePolicyState() throws Exception {
        HttpResponse<String> health = get(management.port(), "/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"status\":\"UP\",\"policy\":{\"status\":\"OK\"") // + commit in a checkout
                .doesNotContain("rejected");
        assertThat(get(management.port(), "/mcp").statusCode()).isEqualTo(404);
    }

    @Test
    void aHeldCall_isCountedAsPending_byTheBackgroundRefresh() throws Exception {
        TenantFixture fx;
        try (TestUpstream upstream = TestUpstream.start()) {
            fx = TenantFixture.create(channel, upstream.baseUrl());
        }
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setRequiresConfirmation(true)).build());
        fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.refund")
                .setArgumentsJson("{}").build());

        Eventually.within(Duration.ofSeconds(10), () -> {
            try {
                assertThat(get(management.port(), "/metrics").body())
                        .contains("toolgate_confirmations_pending{tenant=\"" + fx.tenant + "\"} 1.0");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
