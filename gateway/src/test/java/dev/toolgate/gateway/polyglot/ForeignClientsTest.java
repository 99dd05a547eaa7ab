package dev.toolgate.gateway.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that share no code with the gateway: the Node and Python examples (stubs from the
 * .proto files) and {@code buf curl}, which learns the contract through server reflection.
 */
@MicronautTest
class ForeignClientsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path NODE_CLIENT = ROOT.resolve("examples/clients/node");
    private static final Path BUF = NODE_CLIENT.resolve("node_modules/.bin/buf");
    private static final String ARGS = "{\"customer_id\":\"acme\",\"summary\":\"from a foreign client\",\"priority\":\"low\"}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    GrpcEmbeddedServer server;

    TestUpstream upstream;
    TenantFixture fx;

    record Run(int exit, String out) {
    }

    @BeforeEach
    void setUp() {
        channel = gateway.channel();
        upstream = gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-42\",\"status\":\"open\"}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
    }

    private Run run(List<String> command, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
        env.put("TOOLGATE_API_KEY", fx.agentKey);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static void requireNodeModules() {
        assertThat(NODE_CLIENT.resolve("node_modules/@grpc/grpc-js")).as(
                "the Node client's packages are missing: run the tests with ./toolgate test (it installs them)")
                .exists();
    }

    @Test
    void nodeClient_listsAndExecutes() throws Exception {
        requireNodeModules();

        Run r = run(List.of("node", "client.js", "desk.create_case", ARGS), NODE_CLIENT);

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("tool desk.create_case").contains("CALL_STATUS_SUCCEEDED").contains("\"case_id\":\"C-42\"");
        assertThat(upstream.exchangesTo("/cases").get(0).header("Authorization")).isEqualTo("Bearer " + fx.token);
    }

    @Test
    void nodeClient_invalidArguments_getsReadableError() throws Exception {
        requireNodeModules();

        Run r = run(List.of("node", "client.js", "desk.create_case", "{\"priority\":\"urgent\"}"), NODE_CLIENT);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("INVALID_ARGUMENT").contains("/priority").contains("/customer_id");
        assertThat(upstream.exchanges()).isEmpty();
    }

    @Test
    void pythonClient_listsAndExecutes() throws Exception {
        String python = System.getenv().getOrDefault("TOOLGATE_PYTHON", "/usr/bin/python3");
        Run probe = run(List.of(python, "-c", "import grpc, grpc_tools"), ROOT);
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(probe.exit() == 0,
                    "Python gRPC packages not installed (apt-get install python3-grpcio python3-grpc-tools); CI installs them");
        }
        assertThat(probe.exit()).as("python grpc packages: " + probe.out()).isZero();

        Run r = run(List.of(python, "client.py", "desk.create_case", ARGS), ROOT.resolve("examples/clients/python"));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("tool desk.create_case").contains("CALL_STATUS_SUCCEEDED").contains("C-42");
    }

    @Test
    void bufCurl_throughReflection_listsAndExecutes() throws Exception {
        requireNodeModules();
        String url = "http://127.0.0.1:" + server.getPort() + "/toolgate.v1.ToolService/";
        List<String> base = List.of(BUF.toString(), "curl", "--protocol", "grpc", "--http2-prior-knowledge",
                "-H", "authorization: Bearer " + fx.agentKey);

        Run list = run(concat(base, List.of(url + "ListTools")), ROOT);
        Run exec = run(concat(base, List.of("-d", "{\"tool\":\"desk.create_case\",\"arguments_json\":"
                + quote(ARGS) + "}", url + "ExecuteTool")), ROOT);
        Run bad = run(concat(base, List.of("-d", "{\"tool\":\"desk.create_case\",\"arguments_json\":"
                + quote("{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"urgent\"}") + "}", url + "ExecuteTool")), ROOT);

        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out()).contains("\"name\": \"desk.create_case\"");
        assertThat(exec.exit()).as(exec.out()).isZero();
        assertThat(exec.out()).contains("CALL_STATUS_SUCCEEDED").contains("C-42");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out()).contains("invalid_argument").contains("/priority");
    }

    @Test
    void bufLint_acceptsTheContract() throws Exception {
        requireNodeModules();

        Run r = run(List.of(BUF.toString(), "lint", "proto"), ROOT);

        assertThat(r.exit()).as(r.out()).isZero();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
