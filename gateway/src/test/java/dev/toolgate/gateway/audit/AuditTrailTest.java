package dev.toolgate.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.QueryCallsRequest;
import dev.toolgate.proto.v1.QueryCallsResponse;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit trail through AdminService: filters, newest first, stable paging, tenant scope. */
@MicronautTest
class AuditTrailTest {
    private static final String CASE = "{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    TestUpstream upstream;
    TenantFixture fx;
    AdminServiceGrpc.AdminServiceBlockingStub admin;

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        admin = fx.admin();
    }

    @Test
    void callsAreFoundByFilters_newestFirst_andPagedWithoutGapsOrRepeats() {
        ToolServiceGrpc.ToolServiceBlockingStub agent1 = fx.agent();
        ToolServiceGrpc.ToolServiceBlockingStub agent2 = Clients.tools(channel, admin.createApiKey(CreateApiKeyRequest
                .newBuilder().setTenant(fx.tenant).setAgentId("agent-2").addScopes("tools:call").build()).getApiKey());
        for (int i = 0; i < 7; i++) {
            agent1.executeTool(request("a1-" + i, "s-1", CASE));
        }
        agent2.executeTool(request("a2-0", "s-2", CASE));
        catchThrowableOfType(StatusRuntimeException.class, () -> agent2.executeTool(request("a2-bad", "s-2", "{}")));
        Eventually.within(Duration.ofSeconds(5), () -> assertThat(query(QueryCallsRequest.newBuilder()
                .setStatus("SUCCEEDED")).getCallsCount()).isEqualTo(8)); // outcomes are written just after the answer

        List<String> paged = new ArrayList<>();
        String token = "";
        do {
            QueryCallsResponse page = query(QueryCallsRequest.newBuilder().setAgentId("agent-1").setPageSize(3)
                    .setPageToken(token));
            assertThat(page.getCallsCount()).isLessThanOrEqualTo(3);
            page.getCallsList().forEach(c -> paged.add(c.getCallId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(paged).containsExactly("a1-6", "a1-5", "a1-4", "a1-3", "a1-2", "a1-1", "a1-0");

        ToolCall refused = query(QueryCallsRequest.newBuilder().setSessionId("s-2").setStatus("INVALID_ARGUMENTS"))
                .getCalls(0);
        assertThat(refused.getCallId()).isEqualTo("a2-bad");
        assertThat(refused.getError()).contains("do not match the input schema");
        ToolCall allowed = query(QueryCallsRequest.newBuilder().setAgentId("agent-2").setPolicyDecision("allow"))
                .getCalls(0);
        assertThat(allowed.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(allowed.getPolicyRule()).isEqualTo("tests-allow-everything");
        assertThat(allowed.getPolicyVersion()).isNotEmpty();
        assertThat(query(QueryCallsRequest.newBuilder().setTool("desk.create_case").setSince(
                com.google.protobuf.Timestamp.newBuilder().setSeconds(java.time.Instant.now().plusSeconds(60)
                        .getEpochSecond()))).getCallsList()).isEmpty();
    }

    @Test
    void anotherTenantsAdminSeesNothing_andBadFiltersAreRefused() {
        fx.agent().executeTool(request("mine-1", "", CASE));
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());
        String otherAdmin = other.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(other.tenant)
                .setAgentId("ops").addScopes("admin").build()).getApiKey();

        StatusRuntimeException cross = catchThrowableOfType(StatusRuntimeException.class, () -> Clients.admin(channel,
                otherAdmin).queryCalls(QueryCallsRequest.newBuilder().setTenant(fx.tenant).build()));
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () -> query(
                QueryCallsRequest.newBuilder().setStatus("GREAT").setPageSize(9999).setPageToken("!!")));

        assertThat(cross.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(bad)).extracting(v -> v.getField())
                .containsExactlyInAnyOrder("status", "page_size", "page_token");
    }

    @Test
    void aTenantThatDoesNotExist_isNotFound_evenForTheBootstrapAdmin() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> Clients.bootstrapAdmin(channel)
                .queryCalls(QueryCallsRequest.newBuilder().setTenant("no-such-tenant-" + fx.tenant).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("TENANT_NOT_FOUND");
    }

    @Inject
    RetentionPurge purge;

    @Test
    void thePurgeDeletesOldFinishedRecords_andKeepsHeldCalls() {
        fx.admin().upsertHttpTool(dev.toolgate.proto.v1.UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("desk").setName("held").setDescription("Held").setMethod("POST").setPath("/cases")
                .setInputSchemaJson("{\"type\":\"object\"}")
                .setAnnotations(dev.toolgate.proto.v1.ToolAnnotations.newBuilder().setRequiresConfirmation(true))
                .build());
        ToolServiceGrpc.ToolServiceBlockingStub agent = fx.agent();
        agent.executeTool(request("old-1", "", CASE));
        agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.held").setCallId("held-1")
                .setArgumentsJson("{}").build());
        Eventually.within(Duration.ofSeconds(5), () -> assertThat(query(QueryCallsRequest.newBuilder()
                .setStatus("SUCCEEDED")).getCallsCount()).isEqualTo(1));

        int deleted = purge.purge(java.time.Instant.now().plusSeconds(1));

        assertThat(deleted).isPositive();
        assertThat(query(QueryCallsRequest.newBuilder()).getCallsList()).extracting(ToolCall::getCallId)
                .containsExactly("held-1");
    }

    private QueryCallsResponse query(QueryCallsRequest.Builder q) {
        return admin.queryCalls(q.setTenant(fx.tenant).build());
    }

    private static ExecuteToolRequest request(String callId, String session, String args) {
        return ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId(callId).setSessionId(session)
                .setArgumentsJson(args).build();
    }
}
