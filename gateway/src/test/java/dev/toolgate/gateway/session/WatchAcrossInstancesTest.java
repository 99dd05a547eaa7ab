package dev.toolgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.SessionEvent;
import dev.toolgate.proto.v1.WatchSessionRequest;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two gateway instances on one PostgreSQL: a watcher connected to A sees, live, the calls an agent
 * makes through B — B's call records signal the session over the cluster notification bus.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchAcrossInstancesTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channelA;

    private ApplicationContext b;
    private ManagedChannel channelB;
    private TestUpstream upstream;

    @BeforeAll
    void startInstanceB() throws Exception {
        b = ApplicationContext.run(Map.of("grpc.server.port", 0), "test");
        b.getBean(EmbeddedServer.class).start();
        channelB = Grpc.newChannelBuilderForAddress("127.0.0.1", b.getBean(GrpcEmbeddedServer.class).getPort(),
                InsecureChannelCredentials.create()).build();
        upstream = TestUpstream.start().route("/cases", r -> TestUpstream.Reply.json(201, "{\"case_id\":\"C-9\"}"));
    }

    @AfterAll
    void stopInstanceB() {
        channelB.shutdownNow();
        b.close();
        upstream.close();
    }

    @Test
    void aWatcherOnA_seesTheCallsMadeThroughB() throws Exception {
        TenantFixture fx = TenantFixture.create(channelA, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
        String session = "s-" + UUID.randomUUID();
        WatchSessionTest.Watch watch = new WatchSessionTest.Watch();
        Context.CancellableContext ctx = Context.current().withCancellation();
        watch.context = ctx;
        ctx.run(() -> Clients.asyncTools(channelA, fx.agentKey).watchSession(WatchSessionRequest.newBuilder()
                .setSessionId(session).build(), watch));
        watch.next(SessionEvent::getCaughtUp);

        Eventually.until(() -> Clients.tools(channelB, fx.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                .setTool("desk.create_case").setCallId("via-b").setSessionId(session)
                .setArgumentsJson("{\"customer_id\":\"acme\",\"summary\":\"s\",\"priority\":\"low\"}").build()));
        SessionEvent seen = watch.next(e -> e.getCall().getCallId().equals("via-b")
                && e.getCall().getStatus() == CallStatus.CALL_STATUS_SUCCEEDED);
        watch.cancel();

        assertThat(seen.getCall().getCard().getTitle()).isEqualTo("desk.create\\_case");
        assertThat(seen.getCall().getAgentId()).isEqualTo("agent-1");
    }
}
