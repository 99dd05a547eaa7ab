package dev.toolgate.gateway.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.SetToolCardRequest;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WatchSession from a client that shares no code with the gateway: {@code examples/clients/node/watch.js}
 * (@grpc/grpc-js, stubs from the .proto files) watches a session while this test makes its calls — one
 * held for confirmation and then approved — and prints the cards in order.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeWatchSessionTest implements TestPropertyProvider {
    private static final Path NODE_CLIENT = Path.of("..").toAbsolutePath().normalize().resolve("examples/clients/node");
    /** A hang guard for each line the script should print, not a timing assertion. */
    private static final long PATIENCE_SECONDS = 90;
    private static final Path DIR = policies();

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    GrpcEmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    private static Path policies() {
        Path dir = PolicyFiles.newDirectory("toolgate-node-watch-policies");
        PolicyFiles.write(dir, "_all", """
                rules:
                  - id: cases
                    effect: allow
                    tools: ["desk.*"]
                    agents: ["*"]
                  - id: refunds-need-a-human
                    effect: allow
                    tools: [desk.create_case]
                    agents: ["*"]
                    when: args.priority == "high"
                    confirm: true
                """);
        return dir;
    }

    @Test
    void nodeWatchScript_printsTheCardsInOrder_includingTheHeldCallAndItsApproval() throws Exception {
        assertThat(NODE_CLIENT.resolve("node_modules/@grpc/grpc-js")).as(
                "the Node client's packages are missing: run the tests with ./toolgate test (it installs them)")
                .isDirectory();
        gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-7\",\"status\":\"open\"}"));
        TenantFixture fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        fx.admin().setToolCard(SetToolCardRequest.newBuilder().setTenant(fx.tenant).setTool("desk.create_case")
                .setTitle("Open a support case").setIcon("ticket")
                .setNarration("Opening a support case for {customer_id}").build());
        String session = "chat-" + UUID.randomUUID();
        call(fx, session, "c1", "acme", "low");

        ProcessBuilder pb = new ProcessBuilder("node", "watch.js", session, "--exit-after", "c3")
                .directory(NODE_CLIENT.toFile()).redirectErrorStream(true);
        pb.environment().put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
        pb.environment().put("TOOLGATE_API_KEY", fx.agentKey);
        Process node = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                lines.add("read failed: " + e);
            }
        });
        try {
            awaitLine(lines, output, "caught up");
            ExecuteToolResponse held = call(fx, session, "c2", "globex", "high");
            awaitLine(lines, output, "c2 CALL_STATUS_PENDING_CONFIRMATION confirmation=PENDING");
            Clients.tools(gateway.channel(), fx.key("lead", "tools:confirm")).confirmToolCall(ConfirmToolCallRequest
                    .newBuilder().setCallId("c2").setApprove(true).setReason("customer is waiting").build());
            awaitLine(lines, output, "c2 CALL_STATUS_SUCCEEDED");
            call(fx, session, "c3", "initech", "low");
            assertThat(node.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).as(String.join("\n", output)).isTrue();
            reader.join(10_000);

            assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
            assertThat(node.exitValue()).as(String.join("\n", output)).isZero();
            System.out.println("watch.js printed:\n" + String.join("\n", output));
            List<String> firstOfEach = List.of(
                    "c1 CALL_STATUS_SUCCEEDED | Open a support case | Opening a support case for acme",
                    "caught up",
                    "c2 CALL_STATUS_PENDING_CONFIRMATION confirmation=PENDING | Open a support case | Opening a"
                            + " support case for globex | held for a human&#39;s approval; it has not run",
                    "c2 CALL_STATUS_SUCCEEDED confirmation=APPROVED by lead | Open a support case | Opening a"
                            + " support case for globex",
                    "c3 CALL_STATUS_SUCCEEDED | Open a support case | Opening a support case for initech");
            assertThat(output.stream().filter(l -> firstOfEach.stream().anyMatch(l::startsWith))
                    .map(l -> firstOfEach.stream().filter(l::startsWith).findFirst().orElseThrow()).distinct()
                    .toList()).as(String.join("\n", output)).containsExactlyElementsOf(firstOfEach);
        } finally {
            node.destroyForcibly();
        }
    }

    private static ExecuteToolResponse call(TenantFixture fx, String session, String callId, String customer,
            String priority) {
        return fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId(callId)
                .setSessionId(session).setArgumentsJson("{\"customer_id\":\"" + customer
                        + "\",\"summary\":\"from the Node watch test\",\"priority\":\"" + priority + "\"}").build());
    }

    private static void awaitLine(BlockingQueue<String> lines, List<String> output, String prefix)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (System.nanoTime() < until) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith(prefix)) {
                return;
            }
        }
        throw new AssertionError("watch.js printed no line starting with '" + prefix + "':\n"
                + String.join("\n", output));
    }
}
