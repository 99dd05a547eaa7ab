package dev.toolgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetSessionRequest;
import dev.toolgate.proto.v1.Session;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions on PostgreSQL: the calls of a session in order, and a policy that counts them. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionTest implements TestPropertyProvider {
    private static final Path DIR = tempDir();
    private static final String CASE = "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    TestUpstream upstream;
    TenantFixture fx;
    ToolServiceGrpc.ToolServiceBlockingStub agent;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    private static Path tempDir() {
        Path dir = PolicyFiles.newDirectory("toolgate-session-policies");
        // every tenant: cases allowed; the third case of a session needs a human
        PolicyFiles.write(dir, "_all", """
                rules:
                  - id: cases
                    effect: allow
                    tools: ["desk.*"]
                    agents: ["*"]
                  - id: third-case-in-a-session-needs-a-human
                    effect: allow
                    tools: [desk.create_case]
                    agents: ["*"]
                    when: session.this_tool_calls >= 2
                    confirm: true
                """);
        return dir;
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        agent = fx.agent();
    }

    @Test
    void aSessionListsItsCallsInOrder_andAPolicyCanCountThem() {
        ExecuteToolResponse first = call("s-1", CASE);
        ExecuteToolResponse second = call("s-1", CASE);
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> call("s-1", "{}"));
        ExecuteToolResponse third = call("s-1", CASE);
        ExecuteToolResponse otherSession = call("s-2", CASE);

        assertThat(first.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(second.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(third.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(third.getConfirmation().getRuleId()).isEqualTo("third-case-in-a-session-needs-a-human");
        assertThat(otherSession.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        Session s = agent.getSession(GetSessionRequest.newBuilder().setSessionId("s-1").build());
        assertThat(s.getCallsList()).extracting(ToolCall::getStatus).containsExactly(
                CallStatus.CALL_STATUS_SUCCEEDED, CallStatus.CALL_STATUS_SUCCEEDED,
                CallStatus.CALL_STATUS_INVALID_ARGUMENTS, CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(s.getCalls(0).getCallId()).isEqualTo(first.getCallId());
        assertThat(s.getCalls(0).getResultJson()).isEqualTo("{\"case_id\":\"C-1\"}");
        assertThat(s.getCallsList()).allSatisfy(c -> assertThat(c.getSessionId()).isEqualTo("s-1"));
        assertThat(s.getTruncated()).isFalse();
        assertThat(upstream.exchanges()).hasSize(3);
    }

    @Test
    void anAgentSeesOnlyItsOwnCalls_aHumanWithConfirmSeesAll_anotherTenantNone() {
        call("shared", CASE);
        ToolServiceGrpc.ToolServiceBlockingStub agent2 = fx.toolsAs("agent-2", "tools:call");
        agent2.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setSessionId("shared")
                .setArgumentsJson(CASE).build());
        ToolServiceGrpc.ToolServiceBlockingStub human = fx.toolsAs("lead", "tools:confirm");
        TenantFixture other = TenantFixture.create(channel, upstream.baseUrl());

        GetSessionRequest shared = GetSessionRequest.newBuilder().setSessionId("shared").build();
        assertThat(agent.getSession(shared).getCallsList()).extracting(ToolCall::getAgentId).containsExactly("agent-1");
        assertThat(agent2.getSession(shared).getCallsList()).extracting(ToolCall::getAgentId).containsExactly("agent-2");
        assertThat(human.getSession(shared).getCallsList()).extracting(ToolCall::getAgentId)
                .containsExactly("agent-1", "agent-2");
        assertThat(Clients.tools(channel, other.agentKey).getSession(shared).getCallsList()).isEmpty();
        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.getSession(GetSessionRequest.newBuilder().setSessionId("no spaces").build()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private ExecuteToolResponse call(String session, String args) {
        return agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setSessionId(session)
                .setArgumentsJson(args).build());
    }

}
