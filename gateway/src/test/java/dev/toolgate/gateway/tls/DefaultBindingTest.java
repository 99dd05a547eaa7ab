package dev.toolgate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.toolgate.gateway.management.ManagementServer;
import dev.toolgate.gateway.support.Ports;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With no host configured, as {@code ./toolgate serve} starts, every listener (gRPC, HTTP, management)
 * is reachable on loopback only: a connection to this machine's network address is refused. The
 * default used to be 0.0.0.0 for gRPC and HTTP, in plaintext.
 */
class DefaultBindingTest {
    @Test
    void serveDefaults_everyListener_acceptsLoopbackOnly() throws Exception {
        Optional<InetAddress> external = externalAddress();
        assumeThat(external).as("this machine has a non-loopback address to try").isPresent();
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("grpc.server.port", Ports.free()), "test")) {
            ctx.getBean(NettyEmbeddedServer.class).start();
            List<Integer> ports = List.of(ctx.getBean(GrpcEmbeddedServer.class).getPort(),
                    ctx.getBean(NettyEmbeddedServer.class).getPort(), ctx.getBean(ManagementServer.class).port());

            for (int port : ports) {
                assertThat(connects(InetAddress.getLoopbackAddress(), port)).as("127.0.0.1:" + port).isTrue();
                assertThat(connects(external.get(), port)).as(external.get().getHostAddress() + ":" + port).isFalse();
            }
        }
    }

    @Test
    void warning_plaintextOffLoopback_namesTheListenerAndTheFix() {
        assertThat(PlaintextExposure.warning("gRPC", "0.0.0.0", 50051, false)).get().asString()
                .contains("gRPC listener on 0.0.0.0:50051").contains("TOOLGATE_TLS_CERT_FILE");
        assertThat(PlaintextExposure.warning("HTTP", "", 8080, false)).get().asString().contains("*:8080");
        assertThat(PlaintextExposure.warning("gRPC", "0.0.0.0", 50051, true)).isEmpty();
        assertThat(PlaintextExposure.warning("gRPC", "127.0.0.1", 50051, false)).isEmpty();
        assertThat(PlaintextExposure.warning("gRPC", "localhost", 50051, false)).isEmpty();
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<InetAddress> externalAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
