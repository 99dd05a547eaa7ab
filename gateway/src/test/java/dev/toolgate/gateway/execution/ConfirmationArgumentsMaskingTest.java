package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.MutableClock;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.GetToolCallRequest;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attack: whoever reads the {@code confirmations} table (a backup, a support engineer, a
 * SQL tool pointed at the gateway's database) finds the unmasked arguments of every call ever
 * held. They are needed only until the call is decided: once it ran, was denied or expired,
 * they are masked like the call record's.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfirmationArgumentsMaskingTest implements TestPropertyProvider {
    private static final String PASSWORD = "hunter2-Zq9-held";
    private static final String ARGS = "{\"account\":\"acme\",\"password\":\"" + PASSWORD + "\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    MutableClock clock;

    @Inject
    ExpiredConfirmationSweep sweep;

    @Inject
    HeldCalls held;

    @Inject
    dev.toolgate.gateway.cluster.JobLeases leases;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    ToolServiceGrpc.ToolServiceBlockingStub approver;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("test.clock", "mutable", "toolgate.confirmations.ttl", "15m",
                "toolgate.confirmations.sweep-interval", "1h");
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/login", r -> Reply.json(200, "{\"ok\":true}"));
        fx = gateway.fixture();
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("login").setDescription("Log in").setMethod("POST").setPath("/login")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(ToolAnnotations.newBuilder().setRequiresConfirmation(true)).build());
        agent = fx.agent();
        approver = Clients.tools(channel, fx.admin().createApiKey(CreateApiKeyRequest.newBuilder()
                .setTenant(fx.tenant).setAgentId("approver").addScopes("tools:confirm").build()).getApiKey());
    }

    @Test
    void approvedAndSent_leavesTheArgumentsMasked() {
        hold("m-approve");
        assertThat(storedArguments("m-approve")).contains(PASSWORD); // what runs, until it runs

        assertThat(approver.confirmToolCall(decision("m-approve", true)).getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        assertThat(upstream.exchangesTo("/login").get(0).body()).contains(PASSWORD); // it ran with the real value
        assertThat(storedArguments("m-approve")).doesNotContain(PASSWORD).contains("[REDACTED]").contains("acme");
    }

    @Test
    void denied_leavesTheArgumentsMasked() {
        hold("m-deny");

        assertThat(approver.confirmToolCall(decision("m-deny", false)).getStatus())
                .isEqualTo(CallStatus.CALL_STATUS_DENIED);

        assertThat(storedArguments("m-deny")).doesNotContain(PASSWORD).contains("[REDACTED]").contains("acme");
    }

    @Test
    void expiredAndReadAgain_leavesTheArgumentsMasked() {
        hold("m-expire-read");
        clock.advance(Duration.ofMinutes(16));

        assertThat(agent.getToolCall(GetToolCallRequest.newBuilder().setCallId("m-expire-read").build())
                .getConfirmation().getState()).isEqualTo("EXPIRED");

        assertThat(storedArguments("m-expire-read")).doesNotContain(PASSWORD).contains("[REDACTED]");
    }

    @Test
    void expiredUnread_isClosedAndMaskedByTheSweep() {
        hold("m-expire-sweep");
        clock.advance(Duration.ofMinutes(16));

        assertThat(sweep.sweep()).isPositive();

        Map<String, Object> row = new CallRows(dataSource).query("SELECT state, arguments FROM confirmations"
                + " WHERE tenant_id = ? AND call_id = ?", fx.tenant, "m-expire-sweep").get(0);
        assertThat(row).containsEntry("state", "EXPIRED");
        assertThat(String.valueOf(row.get("arguments"))).doesNotContain(PASSWORD).contains("[REDACTED]");
        dev.toolgate.gateway.support.Eventually.within(Duration.ofSeconds(10), () -> // the writer finishes the row
                assertThat(new CallRows(dataSource).call(fx.tenant, "m-expire-sweep")).containsEntry("status", "DENIED"));
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void sweepInterval_zero_isRefusedAtStart() {
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> new ExpiredConfirmationSweep(
                held, Duration.ZERO, leases));
        assertThat(e).hasMessageContaining("toolgate.confirmations.sweep-interval").hasMessageContaining("PT0S");
    }

    private void hold(String callId) {
        assertThat(agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.login").setCallId(callId)
                .setArgumentsJson(ARGS).build()).getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
    }

    private String storedArguments(String callId) {
        return String.valueOf(new CallRows(dataSource).query(
                "SELECT arguments FROM confirmations WHERE tenant_id = ? AND call_id = ?", fx.tenant, callId)
                .get(0).get("arguments"));
    }

    private static ConfirmToolCallRequest decision(String callId, boolean approve) {
        return ConfirmToolCallRequest.newBuilder().setCallId(callId).setApprove(approve).setReason("checked").build();
    }
}
