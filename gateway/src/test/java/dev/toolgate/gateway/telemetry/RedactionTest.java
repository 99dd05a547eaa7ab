package dev.toolgate.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * A secret in the arguments (or echoed in the result) reaches no span, log line, audit row or
 * confirmation — with content capture on, so the spans do carry the (redacted) arguments and result.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedactionTest implements TestPropertyProvider {
    private static final String PASSWORD = "hunter2-Zq9";
    private static final String CARD = "4111 1111 1111 1111";
    private static final String PRIVATE_NOTE = "owes-us-money";
    private static final String SCHEMA = """
            {"type":"object","properties":{"user":{"type":"string"},"password":{"type":"string"},
             "note":{"type":"string"},"profile":{"type":"object"}}}""";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    DataSource dataSource;

    TestUpstream upstream;
    TenantFixture fx;
    ListAppender<ILoggingEvent> logs;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.telemetry", "memory", "toolgate.redaction.paths",
                "desk.login /profile/private,desk.login_held /profile/private",
                "toolgate.telemetry.capture-content", "true", "toolgate.telemetry.capture-max-chars", "300");
    }

    @BeforeEach
    void setUp() {
        // the upstream echoes the request body: the secret comes back in the result too
        channel = gateway.channel();
        upstream = gateway.upstream().route("/login", r -> Reply.json(200, r.body()));
        fx = gateway.fixture();
        for (String name : List.of("login", "login_held")) {
            fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                    .setName(name).setDescription("Log in").setMethod("POST").setPath("/login").setInputSchemaJson(SCHEMA)
                    .setAnnotations(ToolAnnotations.newBuilder().setRequiresConfirmation(name.endsWith("held")))
                    .build());
        }
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        spans.reset();
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void secretsNeverReachSpansLogsAuditRowsOrConfirmations() {
        String args = "{\"user\":\"ada\",\"password\":\"" + PASSWORD + "\",\"note\":\"card " + CARD + "\","
                + "\"profile\":{\"private\":\"" + PRIVATE_NOTE + "\",\"city\":\"Paris\"}}";
        ToolServiceGrpc.ToolServiceBlockingStub agent = fx.agent();

        ExecuteToolResponse r = agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.login")
                .setCallId("secret-1").setArgumentsJson(args).build());
        ExecuteToolResponse held = agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.login_held")
                .setCallId("secret-2").setArgumentsJson(args).build());

        assertThat(r.getResultJson()).contains(PASSWORD); // the caller gets the upstream's answer as it is
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(upstream.exchanges().get(0).body()).contains(PASSWORD); // and the upstream its arguments
        List<Map<String, Object>> rows = new CallRows(dataSource).calls(fx.tenant);
        String stored = rows.toString();
        String traced = spans.getFinishedSpanItems().toString();
        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
        for (String secret : List.of(PASSWORD, CARD, "4111111111111111", PRIVATE_NOTE)) {
            assertThat(stored).as("audit rows").doesNotContain(secret);
            assertThat(traced).as("spans").doesNotContain(secret);
            assertThat(logged).as("logs").doesNotContain(secret);
            assertThat(held.getConfirmation().getSummary()).as("confirmation summary").doesNotContain(secret);
        }
        assertThat(stored).contains("Paris").contains("[REDACTED]"); // the rest is kept
        var callSpan = spans.getFinishedSpanItems().stream().filter(sp -> sp.getName().equals("execute_tool desk.login"))
                .findFirst().orElseThrow();
        assertThat(callSpan.getAttributes().get(CallSpans.ARGUMENTS)).contains("Paris").contains("[REDACTED]");
        assertThat(callSpan.getAttributes().get(CallSpans.RESULT)).contains("Paris").contains("[REDACTED]");
    }
}
