package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.DeleteToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two gateway instances on one PostgreSQL: a change made through one is served by the other. */
@MicronautTest
class CatalogAcrossInstancesTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channelA;

    @Test
    void toolChangedThroughInstanceA_isSeenByInstanceB() throws Exception {
        try (ApplicationContext b = ApplicationContext.run(Map.of("grpc.server.port", 0,
                "toolgate.catalog.refresh-interval", "100ms"), "test")) {
            ManagedChannel channelB = Grpc.newChannelBuilderForAddress("127.0.0.1",
                    b.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
            try {
                TenantFixture fx = TenantFixture.create(channelA, "http://127.0.0.1:9");
                ToolServiceGrpc.ToolServiceBlockingStub viaB = Clients.tools(channelB, fx.agentKey);
                assertThat(viaB.listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty(); // B caches

                fx.createCaseTool("/cases", 5_000);
                Eventually.until(() -> assertThat(viaB.getTool(
                        dev.toolgate.proto.v1.GetToolRequest.newBuilder().setName("desk.create_case").build())
                        .getVersion()).isEqualTo(1));

                fx.createCaseTool("/cases", 6_000);
                Eventually.until(() -> assertThat(viaB.listTools(
                        ListToolsRequest.getDefaultInstance()).getTools(0).getVersion()).isEqualTo(2));

                fx.admin().deleteTool(DeleteToolRequest.newBuilder().setTenant(fx.tenant).setName("desk.create_case").build());
                Eventually.until(() -> assertThat(viaB.listTools(
                        ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty());
            } finally {
                channelB.shutdownNow();
            }
        }
    }
}
