package dev.toolgate.gateway.frameworks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import io.grpc.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What the framework tests drive an agent through: a tenant with {@code desk.create_case} (runs),
 * {@code desk.escalate} (held for a human by a confirm rule) and {@code desk.lookup} (hidden by a
 * policy reload in the middle of the run, through {@link #hideLookup}), and the five tool results
 * the scripted model must have read. Not thread-safe; one per test.
 */
final class AgentScenario implements AutoCloseable {
    static final String BLOCKED_REASON = "customer 'blocked' may not get new cases; tell the user to ask a supervisor.";
    private static final String POLICY = """
            rules:
              - id: no-cases-for-blocked
                effect: deny
                tools: [desk.create_case]
                agents: ["*"]
                when: args.customer_id == "blocked"
                reason: "%s"
              - id: escalations-need-a-human
                effect: allow
                tools: [desk.escalate]
                agents: ["*"]
                confirm: true
              - id: desk
                effect: allow
                tools: [%s]
                agents: ["*"]
            """;

    /** The steps: tool (exported name) and arguments; the last one is called after {@link #hideLookup}. */
    static final List<String[]> STEPS = List.of(
            new String[] {"desk__create_case", "{\"customer_id\":\"acme\",\"summary\":\"printer on fire\",\"priority\":\"high\"}"},
            new String[] {"desk__create_case", "{\"customer_id\":\"acme\",\"summary\":\"printer on fire\",\"priority\":\"urgent\"}"},
            new String[] {"desk__create_case", "{\"customer_id\":\"blocked\",\"summary\":\"again\",\"priority\":\"low\"}"},
            new String[] {"desk__escalate", "{\"item_id\":\"C-42\"}"},
            new String[] {"desk__lookup", "{\"item_id\":\"C-42\"}"});

    final TestUpstream upstream;
    final TenantFixture fx;
    private final Channel channel;
    private final Path policyDir;
    private HttpServer hook;

    AgentScenario(Channel channel, Path policyDir) throws IOException {
        this.channel = channel;
        this.policyDir = policyDir;
        upstream = TestUpstream.start().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-42\",\"status\":\"open\"}"))
                .route("/items/", r -> Reply.json(200, "{\"item\":\"C-42\"}"));
        fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5_000);
        fx.lookupTool("lookup");
        fx.lookupTool("escalate");
        writePolicy("desk.create_case, desk.lookup");
    }

    /**
     * A new policy directory for a test class's gateway ({@code toolgate.policy.dir}) with the policy
     * for the start of a run (no tenant file: the class's own directory, {@code _all.yaml}).
     */
    static Path newPolicyDir(String prefix) {
        Path dir = PolicyFiles.newDirectory(prefix);
        PolicyFiles.write(dir, "_all", POLICY.formatted(BLOCKED_REASON, "desk.create_case, desk.lookup"));
        return dir;
    }

    /** Takes desk.lookup away from every agent: the policy file changes and the gateway reloads it. */
    void hideLookup() {
        writePolicy("desk.create_case");
    }

    /** A URL that hides desk.lookup when POSTed to (for an agent in another process). */
    String hideLookupHook() throws IOException {
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hide-lookup", exchange -> {
            try (exchange) {
                hideLookup();
                exchange.sendResponseHeaders(204, -1);
            }
        });
        hook.start();
        return "http://127.0.0.1:" + hook.getAddress().getPort() + "/hide-lookup";
    }

    private void writePolicy(String allowed) {
        PolicyFiles.write(policyDir, "_all", POLICY.formatted(BLOCKED_REASON, allowed));
        assertThat(Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance())
                .getRejectedList()).isEmpty();
    }

    /** The five tool results, in order, as the model read them: each says what happened and what next. */
    void assertTheModelRead(List<String> results) {
        assertThat(results).hasSize(STEPS.size());
        assertThat(results.get(0)).as("success").contains("C-42").doesNotContain("Toolgate did not run");
        assertThat(results.get(1)).as("validation refusal").contains("INVALID_ARGUMENT").contains("/priority");
        assertThat(results.get(2)).as("policy denial").contains("POLICY_DENIED").contains(BLOCKED_REASON);
        assertThat(results.get(3)).as("held call").contains("Not run yet: a human must approve this call first")
                .contains("toolgate confirm");
        assertThat(results.get(4)).as("tool hidden mid-run").contains("TOOL_NOT_AVAILABLE")
                .contains("is not available to this agent").contains("list the tools again");
        assertThat(upstream.exchangesTo("/cases")).hasSize(1); // refused and held calls never reached it
        assertThat(upstream.exchangesTo("/items/")).isEmpty();
    }

    @Override
    public void close() {
        if (hook != null) {
            hook.stop(0);
        }
        upstream.close();
    }
}
