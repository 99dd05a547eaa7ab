package dev.toolgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestCertificates;
import dev.toolgate.proto.v1.ListToolsRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Server TLS ({@code TOOLGATE_TLS_*}) on the gRPC and the HTTP listener, with and without required
 * client certificates, over real TLS channels with certificates made at test time.
 */
class ServerTlsTest {
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create();
    }

    @Test
    void tls_grpcAndHttp_answerOverTls_andRefusePlaintext() throws Exception {
        try (ApplicationContext ctx = start(Map.of("toolgate.tls.cert-file", certs.serverCert.toString(),
                "toolgate.tls.key-file", certs.serverKey.toString()))) {
            int grpcPort = ctx.getBean(GrpcEmbeddedServer.class).getPort();
            int httpPort = ctx.getBean(NettyEmbeddedServer.class).getPort();

            StatusRuntimeException overTls = catchThrowableOfType(StatusRuntimeException.class, () ->
                    withChannel(grpcPort, TlsChannelCredentials.newBuilder().trustManager(certs.caCert.toFile()).build(),
                            ch -> Clients.tools(ch, "tg_x").withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .listTools(ListToolsRequest.getDefaultInstance())));
            StatusRuntimeException plaintext = catchThrowableOfType(StatusRuntimeException.class, () ->
                    withChannel(grpcPort, InsecureChannelCredentials.create(), ch -> Clients.tools(ch, "tg_x")
                            .withDeadlineAfter(10, TimeUnit.SECONDS).listTools(ListToolsRequest.getDefaultInstance())));
            HttpResponse<String> mcp = https(certs.sslContext(null), httpPort);
            Throwable plainHttp = catchThrowable(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/mcp"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));

            assertThat(overTls.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED); // reached the gateway
            assertThat(plaintext.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(mcp.statusCode()).isEqualTo(401); // the gateway answered over TLS: no key
            assertThat(plainHttp).isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientCa_callWithoutClientCertificate_isRefused_andWithOneReachesTheGateway() throws Exception {
        try (ApplicationContext ctx = start(Map.of("toolgate.tls.cert-file", certs.serverCert.toString(),
                "toolgate.tls.key-file", certs.serverKey.toString(),
                "toolgate.tls.client-ca-file", certs.caCert.toString()))) {
            int grpcPort = ctx.getBean(GrpcEmbeddedServer.class).getPort();
            int httpPort = ctx.getBean(NettyEmbeddedServer.class).getPort();

            StatusRuntimeException noCert = catchThrowableOfType(StatusRuntimeException.class, () ->
                    withChannel(grpcPort, TlsChannelCredentials.newBuilder().trustManager(certs.caCert.toFile()).build(),
                            ch -> Clients.tools(ch, "tg_x").withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .listTools(ListToolsRequest.getDefaultInstance())));
            StatusRuntimeException stranger = catchThrowableOfType(StatusRuntimeException.class, () ->
                    withChannel(grpcPort, TlsChannelCredentials.newBuilder().trustManager(certs.caCert.toFile())
                            .keyManager(certs.strangerCert.toFile(), certs.strangerKey.toFile()).build(),
                            ch -> Clients.tools(ch, "tg_x").withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .listTools(ListToolsRequest.getDefaultInstance())));
            StatusRuntimeException withCert = catchThrowableOfType(StatusRuntimeException.class, () ->
                    withChannel(grpcPort, TlsChannelCredentials.newBuilder().trustManager(certs.caCert.toFile())
                            .keyManager(certs.clientCert.toFile(), certs.clientKey.toFile()).build(),
                            ch -> Clients.tools(ch, "tg_x").withDeadlineAfter(10, TimeUnit.SECONDS)
                                    .listTools(ListToolsRequest.getDefaultInstance())));
            Throwable httpNoCert = catchThrowable(() -> https(certs.sslContext(null), httpPort));
            HttpResponse<String> httpWithCert = https(certs.sslContext("client"), httpPort);

            assertThat(noCert.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(stranger.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(withCert.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED); // reached the gateway
            assertThat(httpNoCert).isInstanceOf(IOException.class);
            assertThat(httpWithCert.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void tlsConfig_keyWithoutCertificate_isRefusedWithTheVariable() {
        Throwable e = catchThrowable(() -> TlsConfig.of("", certs.serverKey.toString(), ""));
        Throwable missing = catchThrowable(() -> TlsConfig.of(certs.dir.resolve("nope.pem").toString(),
                certs.serverKey.toString(), ""));
        Throwable caAlone = catchThrowable(() -> TlsConfig.of("", "", certs.caCert.toString()));

        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only TOOLGATE_TLS_KEY_FILE");
        assertThat(missing).hasMessageContaining("TOOLGATE_TLS_CERT_FILE must name a readable PEM file")
                .hasMessageContaining("nope.pem");
        assertThat(caAlone).hasMessageContaining("TOOLGATE_TLS_CLIENT_CA_FILE needs server TLS");
    }

    private static HttpResponse<String> https(javax.net.ssl.SSLContext ssl, int port) throws Exception {
        return HttpClient.newBuilder().sslContext(ssl).build().send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/mcp"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
                        .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ApplicationContext start(Map<String, Object> tls) {
        Map<String, Object> props = new java.util.HashMap<>(tls);
        props.put("grpc.server.port", dev.toolgate.gateway.support.Ports.free());
        ApplicationContext ctx = ApplicationContext.run(props, "test");
        ctx.getBean(NettyEmbeddedServer.class).start();
        return ctx;
    }

    private static <T> T withChannel(int port, ChannelCredentials credentials,
            java.util.function.Function<ManagedChannel, T> call) {
        ManagedChannel ch = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        try {
            return call.apply(ch);
        } finally {
            ch.shutdownNow();
        }
    }
}
