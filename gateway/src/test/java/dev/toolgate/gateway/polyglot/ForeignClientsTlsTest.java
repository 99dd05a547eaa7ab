package dev.toolgate.gateway.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestCertificates;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node and Python example clients against a gateway that requires TLS and client certificates:
 * {@code TOOLGATE_ADDRESS=https://…}, {@code TOOLGATE_CA_FILE}, {@code TOOLGATE_CLIENT_CERT_FILE} /
 * {@code TOOLGATE_CLIENT_KEY_FILE}.
 */
class ForeignClientsTlsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NODE_CLIENT = ROOT.resolve("examples/clients/node");
    private static final String ARGS = "{\"customer_id\":\"acme\",\"summary\":\"over TLS\",\"priority\":\"low\"}";

    private static TestCertificates certs;
    private static ApplicationContext gateway;
    private static ManagedChannel channel;
    private static TestUpstream upstream;
    private static TenantFixture fx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create();
        gateway = ApplicationContext.run(Map.of("grpc.server.port", Ports.free(),
                "toolgate.tls.cert-file", certs.serverCert.toString(), "toolgate.tls.key-file", certs.serverKey.toString(),
                "toolgate.tls.client-ca-file", certs.caCert.toString()), "test");
        port = gateway.getBean(GrpcEmbeddedServer.class).getPort();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, TlsChannelCredentials.newBuilder()
                .trustManager(certs.caCert.toFile()).keyManager(certs.clientCert.toFile(), certs.clientKey.toFile())
                .build()).build();
        upstream = TestUpstream.start().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-43\"}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        upstream.close();
        gateway.close();
    }

    @Test
    void nodeClient_overTlsWithClientCertificate_executes() throws Exception {
        assertThat(NODE_CLIENT.resolve("node_modules/@grpc/grpc-js")).as("run ./toolgate test (npm install)").exists();

        Run r = run(List.of("node", "client.js", "desk.create_case", ARGS), NODE_CLIENT, true);
        Run noCert = run(List.of("node", "client.js", "desk.create_case", ARGS), NODE_CLIENT, false);

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("CALL_STATUS_SUCCEEDED").contains("C-43");
        assertThat(noCert.exit()).as(noCert.out()).isEqualTo(1);
        assertThat(noCert.out()).contains("UNAVAILABLE");
    }

    @Test
    void pythonClient_overTlsWithClientCertificate_executes() throws Exception {
        String python = System.getenv().getOrDefault("TOOLGATE_PYTHON", "/usr/bin/python3");
        Run probe = run(List.of(python, "-c", "import grpc, grpc_tools"), ROOT, false);
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(probe.exit() == 0,
                    "Python gRPC packages not installed (apt-get install python3-grpcio python3-grpc-tools); CI installs them");
        }
        assertThat(probe.exit()).as("python grpc packages: " + probe.out()).isZero();

        Run r = run(List.of(python, "client.py", "desk.create_case", ARGS), ROOT.resolve("examples/clients/python"), true);

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("CALL_STATUS_SUCCEEDED").contains("C-43");
    }

    record Run(int exit, String out) {
    }

    private static Run run(List<String> command, Path dir, boolean clientCertificate) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("TOOLGATE_ADDRESS", "https://127.0.0.1:" + port);
        env.put("TOOLGATE_API_KEY", fx.agentKey);
        env.put("TOOLGATE_CA_FILE", certs.caCert.toString());
        if (clientCertificate) {
            env.put("TOOLGATE_CLIENT_CERT_FILE", certs.clientCert.toString());
            env.put("TOOLGATE_CLIENT_KEY_FILE", certs.clientKey.toString());
        }
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
