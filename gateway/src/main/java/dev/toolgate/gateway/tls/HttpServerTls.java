package dev.toolgate.gateway.tls;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.ssl.ClientAuthentication;
import io.micronaut.http.ssl.ServerSslConfiguration;
import jakarta.inject.Singleton;

/**
 * Puts the HTTP listener ({@code /mcp}) on TLS when {@link TlsConfig#enabled()}: on its configured port
 * (not a second one); the TLS context itself comes from {@link HttpSslContexts}.
 */
@Singleton
final class HttpServerTls implements BeanCreatedEventListener<ServerSslConfiguration> {
    private final TlsConfig tls;
    private final int port;

    HttpServerTls(TlsConfig tls, @Value("${micronaut.server.port:8080}") int port) {
        this.tls = requireNonNull(tls, "tls");
        this.port = port;
    }

    @Override
    public ServerSslConfiguration onCreated(BeanCreatedEvent<ServerSslConfiguration> event) {
        ServerSslConfiguration ssl = event.getBean();
        if (!tls.enabled()) {
            return ssl;
        }
        ssl.setEnabled(true);
        ssl.setPort(port);
        ssl.setBuildSelfSigned(false);
        if (tls.clientCertificatesRequired()) {
            ssl.setClientAuthentication(ClientAuthentication.NEED);
        }
        return ssl;
    }
}
