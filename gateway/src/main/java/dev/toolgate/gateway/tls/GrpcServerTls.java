package dev.toolgate.gateway.tls;

import static java.util.Objects.requireNonNull;

import io.grpc.ServerBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.inject.Singleton;
import javax.net.ssl.SSLException;

/**
 * Puts the gRPC listener on TLS when {@link TlsConfig#enabled()}, requiring client certificates signed
 * by the client CA when one is set. A certificate or key that cannot be read stops the start.
 */
@Singleton
final class GrpcServerTls implements BeanCreatedEventListener<ServerBuilder<?>> {
    private final TlsConfig tls;

    GrpcServerTls(TlsConfig tls) {
        this.tls = requireNonNull(tls, "tls");
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        if (!tls.enabled()) {
            return builder;
        }
        if (!(builder instanceof NettyServerBuilder netty)) {
            throw new IllegalStateException("gRPC TLS needs the Netty transport, but the server builder is a "
                    + builder.getClass().getName());
        }
        try {
            SslContextBuilder ssl = GrpcSslContexts.forServer(tls.certFile().orElseThrow().toFile(),
                    tls.keyFile().orElseThrow().toFile());
            tls.clientCaFile().ifPresent(ca -> ssl.trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE));
            return netty.sslContext(ssl.build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use TOOLGATE_TLS_CERT_FILE / TOOLGATE_TLS_KEY_FILE"
                    + " / TOOLGATE_TLS_CLIENT_CA_FILE for gRPC: " + e.getMessage(), e);
        }
    }
}
