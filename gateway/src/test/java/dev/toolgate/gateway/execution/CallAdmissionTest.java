package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.proto.v1.DeleteSecretRequest;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.opentelemetry.api.trace.Span;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admission step on PostgreSQL with a real catalog, policy files and executor: each stage
 * refuses with its own {@link Refusal} and writes nothing itself; through {@link ToolCallService}
 * every refused call then has exactly one row, with the status its refusal names.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallAdmissionTest implements TestPropertyProvider {
    private static final Path DIR = PolicyFiles.newDirectory("toolgate-admission-policies");
    private static final String LOW = "{\"customer_id\":\"acme\",\"summary\":\"Printer\",\"priority\":\"low\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Inject
    CallAdmission admission;

    @Inject
    ToolCallService calls;

    TestUpstream upstream;
    TenantFixture fx;
    CallRows rows;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString());
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))
                .route("/refunds", r -> Reply.json(200, "{\"refunded\":true}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5000);
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("refund").setDescription("Refund an order").setMethod("POST").setPath("/refunds")
                .setInputSchemaJson("""
                        {"type":"object","properties":{"order_id":{"type":"string"},"amount":{"type":"number"}},
                         "required":["order_id","amount"],"additionalProperties":false}""")
                .build());
        PolicyFiles.write(DIR, fx.tenant, """
                rules:
                  - id: cases
                    effect: allow
                    tools: [desk.create_case]
                    agents: [agent-1]
                  - id: high-priority-cases-need-a-human
                    effect: allow
                    tools: [desk.create_case]
                    agents: [agent-1]
                    when: args.priority == "high"
                    confirm: true
                  - id: refunds
                    effect: allow
                    tools: [desk.refund]
                    agents: [agent-1]
                  - id: no-large-refunds
                    effect: deny
                    tools: [desk.refund]
                    agents: [agent-1]
                    when: args.amount > 100
                    reason: refunds above 100 need a human
                rate_limits:
                  - id: refunds-per-agent
                    limit: 2/min
                    tools: [desk.refund]
                """);
        assertThat(Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance())
                .getRejectedList()).isEmpty();
        rows = new CallRows(dataSource);
    }

    @AfterEach
    void tearDown() {
        PolicyFiles.delete(DIR, fx.tenant);
    }

    private Principal agent(String... scopes) {
        return new Principal(fx.tenant, "agent-1", "key-admission-test", Set.of(scopes), Map.of(), false);
    }

    private Principal agent() {
        return agent(Scopes.TOOLS_CALL);
    }

    private static ExecuteCommand command(String tool, String args, String callId) {
        return new ExecuteCommand(tool, args, callId, "", Optional.empty());
    }

    private CallRefused refusedByAdmission(Principal principal, ExecuteCommand command) {
        return catchThrowableOfType(CallRefused.class,
                () -> admission.admit(principal, command, CallDeadline.startingNow(command.clientDeadline(),
                        Duration.ZERO), Span.getInvalid(), new CallLabels()));
    }

    /** One case per admission stage that can refuse on a healthy gateway. */
    private record Case(Refusal refusal, Principal principal, ExecuteCommand command, CallStatus rowStatus,
            ErrorCode code, String reason) {
    }

    private List<Case> cases(String prefix) {
        return List.of(
                new Case(Refusal.MALFORMED_REQUEST, agent(), command("", "{}", prefix + "shape"),
                        CallStatus.INVALID_ARGUMENTS, ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
                new Case(Refusal.MISSING_SCOPE, agent(Scopes.TOOLS_CONFIRM), command("desk.create_case", LOW,
                        prefix + "scope"), CallStatus.DENIED, ErrorCode.PERMISSION_DENIED, "MISSING_SCOPE"),
                new Case(Refusal.TOOL_NOT_FOUND, agent(), command("desk.create_kase", LOW, prefix + "lookup"),
                        CallStatus.TOOL_NOT_FOUND, ErrorCode.NOT_FOUND, "TOOL_NOT_FOUND"),
                new Case(Refusal.UNREADABLE_ARGUMENTS, agent(), command("desk.create_case", "{not json",
                        prefix + "json"), CallStatus.INVALID_ARGUMENTS, ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
                new Case(Refusal.SCHEMA_VIOLATION, agent(), command("desk.create_case",
                        "{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"urgent\"}", prefix + "schema"),
                        CallStatus.INVALID_ARGUMENTS, ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
                new Case(Refusal.POLICY_DENIED, agent(), command("desk.refund",
                        "{\"order_id\":\"o-1\",\"amount\":500}", prefix + "deny"),
                        CallStatus.DENIED, ErrorCode.PERMISSION_DENIED, "POLICY_DENIED"),
                new Case(Refusal.DEADLINE_TOO_SHORT, agent(), new ExecuteCommand("desk.create_case", LOW,
                        prefix + "late", "", Optional.of(Duration.ofNanos(1))),
                        CallStatus.TIMEOUT, ErrorCode.DEADLINE_EXCEEDED, "DEADLINE_TOO_SHORT"));
    }

    @Test
    void admit_eachStageRefusesWithItsTypedReason_andWritesNoRow() {
        for (Case c : cases("adm-")) {
            CallRefused refused = refusedByAdmission(c.principal(), c.command());

            assertThat(refused).as(c.refusal().name()).isNotNull();
            assertThat(refused.refusal()).isEqualTo(c.refusal());
            assertThat(refused.status()).as(c.refusal().name()).isEqualTo(c.rowStatus());
            assertThat(refused.thrown()).isSameAs(refused.error());
            assertThat(refused.error().code()).as(c.refusal().name()).isEqualTo(c.code());
            assertThat(refused.error().reason()).as(c.refusal().name()).isEqualTo(c.reason());
            assertThat(refused.call().callId()).isEqualTo(c.command().callId());
        }
        assertThat(rows.query("SELECT call_id FROM tool_calls WHERE tenant_id = ?", fx.tenant)).isEmpty();
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void execute_eachRefusedCall_hasExactlyOneRowWithItsRefusalsStatus() {
        for (Case c : cases("svc-")) {
            GatewayException e = catchThrowableOfType(GatewayException.class,
                    () -> calls.execute(c.principal(), c.command()));

            assertThat(e).as(c.refusal().name()).isNotNull();
            assertThat(e.reason()).as(c.refusal().name()).isEqualTo(c.reason());
            List<Map<String, Object>> written = rows.query(
                    "SELECT status, error FROM tool_calls WHERE tenant_id = ? AND call_id = ?", fx.tenant,
                    c.command().callId());
            assertThat(written).as(c.refusal().name()).singleElement().satisfies(row -> {
                assertThat(row).containsEntry("status", c.rowStatus().name());
                assertThat((String) row.get("error")).isEqualTo(e.getMessage());
            });
        }
        assertThat(rows.query("SELECT call_id FROM tool_calls WHERE tenant_id = ?", fx.tenant))
                .hasSize(cases("").size());
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void admit_rateLimitUsedUp_isRateLimitedWithRetryAfter_andEachRefusalOneRow() {
        ExecuteCommand refund = command("desk.refund", "{\"order_id\":\"o-1\",\"amount\":5}", "");
        calls.execute(agent(), refund);
        calls.execute(agent(), refund);

        CallRefused refused = refusedByAdmission(agent(), refund);
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> calls.execute(agent(),
                command("desk.refund", "{\"order_id\":\"o-1\",\"amount\":5}", "rate-3")));

        assertThat(refused.refusal()).isEqualTo(Refusal.RATE_LIMITED);
        assertThat(refused.status()).isEqualTo(CallStatus.RATE_LIMITED);
        assertThat(refused.error().retryAfter()).isPresent();
        assertThat(e.reason()).isEqualTo("RATE_LIMITED");
        assertThat(rows.query("SELECT status FROM tool_calls WHERE tenant_id = ? AND call_id = ?", fx.tenant,
                "rate-3")).singleElement().satisfies(row -> assertThat(row).containsEntry("status", "RATE_LIMITED"));
        assertThat(upstream.exchangesTo("/refunds")).hasSize(2);
    }

    @Test
    void admit_secretDeleted_isNotPreparable_failedPreconditionWithAFailedRow() {
        fx.admin().deleteSecret(DeleteSecretRequest.newBuilder().setTenant(fx.tenant).setName("desk_token").build());

        CallRefused refused = refusedByAdmission(agent(), command("desk.create_case", LOW, "prep-1"));
        GatewayException e = catchThrowableOfType(GatewayException.class,
                () -> calls.execute(agent(), command("desk.create_case", LOW, "prep-2")));

        assertThat(refused.refusal()).isEqualTo(Refusal.NOT_PREPARABLE);
        assertThat(refused.error().code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(refused.status()).isEqualTo(CallStatus.FAILED);
        assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(rows.query("SELECT status FROM tool_calls WHERE tenant_id = ?", fx.tenant))
                .singleElement().satisfies(row -> assertThat(row).containsEntry("status", "FAILED"));
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void admit_confirmRuleMatches_admitsWithTheRulesConfirmation_notARefusal() {
        CallAdmission.Admitted admitted = admission.admit(agent(), command("desk.create_case",
                "{\"customer_id\":\"acme\",\"summary\":\"Fire\",\"priority\":\"high\"}", "held-1"),
                CallDeadline.startingNow(Optional.empty(), Duration.ZERO), Span.getInvalid(), new CallLabels());

        assertThat(admitted.confirm()).hasValueSatisfying(c -> {
            assertThat(c.ruleId()).isEqualTo("high-priority-cases-need-a-human");
            assertThat(c.selfConfirm()).isFalse();
        });
        assertThat(admitted.call().policy().decision()).isEqualTo("confirm");
        assertThat(rows.query("SELECT call_id FROM tool_calls WHERE tenant_id = ?", fx.tenant)).isEmpty();
    }

    @Test
    void execute_callIdReusedForOtherArguments_isRefusedOnceAsDuplicate() {
        calls.execute(agent(), command("desk.create_case", LOW, "dup-1"));

        GatewayException e = catchThrowableOfType(GatewayException.class, () -> calls.execute(agent(),
                command("desk.create_case", LOW.replace("Printer", "Scanner"), "dup-1")));

        assertThat(e.reason()).isEqualTo("CALL_ID_REUSED");
        assertThat(rows.calls(fx.tenant)).filteredOn(row -> "dup-1".equals(row.get("call_id"))) // once settled
                .extracting(row -> row.get("status")).containsExactlyInAnyOrder("SUCCEEDED", "DUPLICATE_CALL_ID");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1);
    }
}
