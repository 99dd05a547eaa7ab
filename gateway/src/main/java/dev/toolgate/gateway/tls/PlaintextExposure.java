package dev.toolgate.gateway.tls;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.ManagementStarted;
import io.micronaut.context.annotation.Value;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns at start when a listener is reachable beyond this host in plaintext: the gRPC or HTTP listener
 * off loopback without TLS (API keys would cross the network readable), or the management listener off
 * loopback (unauthenticated metrics that name every tenant and tool).
 */
@Singleton
final class PlaintextExposure {
    private static final Logger LOG = LoggerFactory.getLogger(PlaintextExposure.class);

    private final TlsConfig tls;
    private final String grpcHost;
    private final String httpHost;

    PlaintextExposure(TlsConfig tls, @Value("${grpc.server.host:}") String grpcHost,
            @Value("${micronaut.server.host:}") String httpHost) {
        this.tls = requireNonNull(tls, "tls");
        this.grpcHost = grpcHost;
        this.httpHost = httpHost;
    }

    @EventListener
    void started(ServerStartupEvent event) {
        boolean grpc = event.getSource() instanceof GrpcEmbeddedServer;
        warning(grpc ? "gRPC" : "HTTP", grpc ? grpcHost : httpHost, event.getSource().getPort(), tls.enabled())
                .ifPresent(LOG::warn);
    }

    @EventListener
    void started(ManagementStarted event) {
        if (!isLoopback(event.host())) {
            LOG.warn("the management listener (/metrics, /health) listens on {}:{}, beyond this host, without"
                    + " authentication: its metrics name every tenant and tool; keep that address internal or set"
                    + " TOOLGATE_MANAGEMENT_HOST=127.0.0.1", event.host(), event.port());
        }
    }

    /**
     * The warning for a listener, if it needs one.
     *
     * @param host the configured host; blank or a wildcard means every interface
     */
    static Optional<String> warning(String listener, String host, int port, boolean tls) {
        if (tls || isLoopback(host)) {
            return Optional.empty();
        }
        String shown = host == null || host.isBlank() ? "*" : host;
        return Optional.of("the " + listener + " listener on " + shown + ":" + port + " is reachable beyond this host"
                + " in plaintext: API keys and arguments cross the network readable; set TOOLGATE_TLS_CERT_FILE and"
                + " TOOLGATE_TLS_KEY_FILE, or bind 127.0.0.1");
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
