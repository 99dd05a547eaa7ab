package dev.toolgate.gateway.tls;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.server.netty.ssl.ServerSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.inject.Singleton;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The HTTP listener's TLS context from the same PEM files as gRPC ({@code TOOLGATE_TLS_*}), client
 * certificates required when a client CA is set. Present only when a certificate file is configured
 * (Micronaut's own builders need {@code micronaut.server.ssl.enabled} set before the start, which an
 * environment variable naming a file cannot express).
 */
@Singleton
@Requires(property = "toolgate.tls.cert-file", pattern = ".*\\S.*")
final class HttpSslContexts implements ServerSslBuilder {
    private final TlsConfig tls;
    private final ServerSslConfiguration configuration;

    HttpSslContexts(TlsConfig tls, ServerSslConfiguration configuration) {
        this.tls = requireNonNull(tls, "tls");
        this.configuration = requireNonNull(configuration, "configuration");
    }

    @Override
    public ServerSslConfiguration getSslConfiguration() {
        return configuration;
    }

    @Override
    public Optional<SslContext> build() {
        if (!tls.enabled()) {
            return Optional.empty();
        }
        try {
            SslContextBuilder ssl = SslContextBuilder.forServer(tls.certFile().orElseThrow().toFile(),
                    tls.keyFile().orElseThrow().toFile());
            tls.clientCaFile().ifPresent(ca -> ssl.trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE));
            return Optional.of(ssl.build());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use TOOLGATE_TLS_CERT_FILE / TOOLGATE_TLS_KEY_FILE"
                    + " / TOOLGATE_TLS_CLIENT_CA_FILE for HTTP: " + e.getMessage(), e);
        }
    }
}
