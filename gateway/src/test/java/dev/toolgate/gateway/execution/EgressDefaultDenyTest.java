package dev.toolgate.gateway.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** With the default egress rules, an integration pointing at an internal address is never called. */
@MicronautTest
@Property(name = "toolgate.egress.allow", value = "")
class EgressDefaultDenyTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Test
    void execute_upstreamOnLoopback_isPermissionDeniedAndNotCalled() throws Exception {
        try (TestUpstream upstream = TestUpstream.start().route("/cases", r -> Reply.json(200, "{}"))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl().replace("127.0.0.1", "localhost"));
            fx.createCaseTool("/cases", 2_000);

            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                    fx.agent().executeTool(ExecuteToolRequest.newBuilder()
                            .setTool("desk.create_case").setCallId("egress-1")
                            .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"b\",\"priority\":\"low\"}").build()));

            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Clients.errorInfo(e).getReason()).isEqualTo("EGRESS_DENIED");
            assertThat(e.getStatus().getDescription()).contains("loopback address");
            assertThat(upstream.exchanges()).isEmpty();
            assertThat(new CallRows(dataSource).call(fx.tenant, "egress-1")).containsEntry("status", "DENIED");
        }
    }
}
