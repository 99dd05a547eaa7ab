package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TestCertificates;
import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI (a separate JVM) against a gateway that requires TLS and client certificates:
 * {@code TOOLGATE_ADDRESS=https://…} with {@code TOOLGATE_CA_FILE} and a client identity.
 */
class CliTlsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static TestCertificates certs;
    private static ApplicationContext gateway;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create();
        gateway = ApplicationContext.run(Map.of("grpc.server.port", Ports.free(),
                "toolgate.tls.cert-file", certs.serverCert.toString(), "toolgate.tls.key-file", certs.serverKey.toString(),
                "toolgate.tls.client-ca-file", certs.caCert.toString()), "test");
        port = gateway.getBean(GrpcEmbeddedServer.class).getPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    record Run(int exit, String stdout, String stderr) {
    }

    @Test
    void https_withCaAndClientCertificate_administersTheGateway() throws Exception {
        String tenant = "tls-" + UUID.randomUUID().toString().substring(0, 8);

        Run run = cli(Map.of("TOOLGATE_ADDRESS", "https://127.0.0.1:" + port, "TOOLGATE_CA_FILE", certs.caCert.toString(),
                "TOOLGATE_CLIENT_CERT_FILE", certs.clientCert.toString(),
                "TOOLGATE_CLIENT_KEY_FILE", certs.clientKey.toString()), "admin", "create-tenant", tenant);

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(run.stdout() + run.stderr()).contains(tenant);
    }

    @Test
    void https_withoutClientCertificate_isRefusedInOneLine() throws Exception {
        Run run = cli(Map.of("TOOLGATE_ADDRESS", "https://127.0.0.1:" + port, "TOOLGATE_CA_FILE", certs.caCert.toString()),
                "admin", "create-tenant", "tls-refused");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("toolgate: UNAVAILABLE").doesNotContain("\tat ");
    }

    @Test
    void https_withoutTheCa_doesNotTrustTheGateway() throws Exception {
        Run run = cli(Map.of("TOOLGATE_ADDRESS", "https://127.0.0.1:" + port,
                "TOOLGATE_CLIENT_CERT_FILE", certs.clientCert.toString(),
                "TOOLGATE_CLIENT_KEY_FILE", certs.clientKey.toString()), "admin", "create-tenant", "tls-untrusted");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("toolgate: UNAVAILABLE");
    }

    @Test
    void tlsFiles_withAPlaintextAddress_areRefusedWithTheFix() throws Exception {
        Run run = cli(Map.of("TOOLGATE_ADDRESS", "127.0.0.1:" + port, "TOOLGATE_CA_FILE", certs.caCert.toString()),
                "admin", "create-tenant", "tls-plain");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("TOOLGATE_ADDRESS=https://127.0.0.1:" + port);
    }

    private Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolgateCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        Map<String, String> all = new HashMap<>(env);
        all.put("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
        pb.environment().remove("TOOLGATE_API_KEY");
        pb.environment().putAll(all);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI timed out: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
