package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayRuntimeTest {

    @Test
    void start_gRpcPortTaken_namesThePortAndItsVariable_notTheDataDirectory() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CliException e = catchThrowableOfType(CliException.class, () -> GatewayRuntime.start(Map.of(
                    "grpc.server.port", taken.getLocalPort(),
                    "grpc.server.host", "127.0.0.1"), java.util.Optional.empty()).close());

            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("gRPC port " + taken.getLocalPort())
                    .contains("TOOLGATE_GRPC_PORT").doesNotContain("./data");
        }
    }
}
