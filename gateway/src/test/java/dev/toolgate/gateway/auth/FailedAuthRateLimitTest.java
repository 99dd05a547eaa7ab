package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ListToolsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.micronaut.context.annotation.Property;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failed authentication is limited per peer address: past the limit a peer is refused (even with a
 * valid key, and without a lookup) while another peer, here 127.0.0.2, is served as before.
 */
@MicronautTest(transactional = false)
@Property(name = "toolgate.auth.failed-attempts-per-peer", value = "5")
class FailedAuthRateLimitTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    GrpcEmbeddedServer grpc;

    @Inject
    EmbeddedServer http;

    private static StatusRuntimeException refusal(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("expected a gRPC error").isNotNull();
        return e;
    }

    private HttpResponse<String> mcpPost(InetAddress from, String key) throws Exception {
        HttpClient client = HttpClient.newBuilder().localAddress(from).version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPeerPastItsFailedAttempts_isRefused_whileAnotherPeerIsServed() throws Exception {
        TenantFixture fx = TenantFixture.create(channel, "http://127.0.0.1:1");
        InetAddress otherPeer = InetAddress.getByName("127.0.0.2");
        ManagedChannel fromOtherPeer = NettyChannelBuilder.forAddress("127.0.0.1", grpc.getPort())
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote,
                            io.grpc.Attributes attrs) {
                        return new InetSocketAddress(otherPeer, 0);
                    }
                }).usePlaintext().build();
        try {
            for (int i = 0; i < 5; i++) {
                StatusRuntimeException e = refusal(() -> Clients.tools(channel, "tg_wrong_key_" + "x".repeat(40))
                        .listTools(ListToolsRequest.getDefaultInstance()));
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            }

            StatusRuntimeException limited = refusal(() -> Clients.tools(channel, "tg_wrong_key_" + "y".repeat(40))
                    .listTools(ListToolsRequest.getDefaultInstance()));
            assertThat(limited.getStatus().getCode()).as(limited.getStatus().toString())
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Clients.errorInfo(limited).getReason()).isEqualTo("AUTH_RATE_LIMITED");
            assertThat(StatusProto.fromThrowable(limited).getDetailsList()).anyMatch(d -> d.is(RetryInfo.class));

            // the limited peer is refused even with a valid key, on gRPC and on /mcp
            StatusRuntimeException valid = refusal(() -> fx.agent()
                    .listTools(ListToolsRequest.getDefaultInstance()));
            assertThat(valid.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            HttpResponse<String> mcp = mcpPost(InetAddress.getByName("127.0.0.1"), fx.agentKey);
            assertThat(mcp.statusCode()).isEqualTo(429);
            assertThat(mcp.headers().firstValue("Retry-After")).isPresent();
            assertThat(mcp.body()).contains("AUTH_RATE_LIMITED");

            // another peer is served as before
            assertThat(Clients.tools(fromOtherPeer, fx.agentKey).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listTools(ListToolsRequest.getDefaultInstance()).getToolsList()).isEmpty();
            assertThat(mcpPost(otherPeer, fx.agentKey).statusCode()).isEqualTo(200);
        } finally {
            fromOtherPeer.shutdownNow();
        }
    }
}
