package dev.toolgate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ReloadPoliciesRequest;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The policy directory is a real Git checkout (made with the {@code git} command): a call's
 * row names the policy that decided it, so editing a committed file without committing, or
 * adding an untracked one, gives the next call's row another {@code policy_version} than the
 * commit's — never the commit's alone.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyVersionInGitTest implements TestPropertyProvider {
    private static final Path DIR = tempDir();

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    @Test
    void editedAndUntrackedPolicyFiles_giveTheCallRowAnotherVersion_thanTheCommit() throws IOException {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))) {
            checkVersions(upstream);
        }
    }

    private void checkVersions(TestUpstream upstream) throws IOException {
        TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
        fx.createCaseTool("/cases", 5000);
        String rule = """
                rules:
                  - id: cases
                    effect: allow
                    tools: [desk.create_case]
                    agents: [agent-1]
                """;
        Files.writeString(DIR.resolve(fx.tenant + ".yaml"), rule);
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "policies");
        String commit = git("rev-parse", "HEAD").strip();

        String committed = versionOfACall(fx);
        assertThat(committed).startsWith("git:" + commit.substring(0, 12) + "+sha256:");

        // a tracked file edited, not committed: the same rule plus a comment is another policy text
        Files.writeString(DIR.resolve(fx.tenant + ".yaml"), rule + "# edited after the commit\n");
        String edited = versionOfACall(fx);

        // an untracked file beside the committed ones
        Files.writeString(DIR.resolve("_all.yaml"), """
                rules:
                  - id: no-deletes
                    effect: deny
                    tools: ["*.delete_*"]
                    agents: ["*"]
                """);
        String untracked = versionOfACall(fx);

        assertThat(git("rev-parse", "HEAD").strip()).isEqualTo(commit); // HEAD never moved
        assertThat(List.of(committed, edited, untracked))
                .allMatch(v -> v.startsWith("git:" + commit.substring(0, 12) + "+sha256:"))
                .doesNotHaveDuplicates();
    }

    /** Reloads the policies, makes one call and returns its row's {@code policy_version}. */
    private String versionOfACall(TenantFixture fx) {
        assertThat(Clients.bootstrapAdmin(channel).reloadPolicies(ReloadPoliciesRequest.getDefaultInstance())
                .getRejectedList()).isEmpty();
        String callId = "call-" + UUID.randomUUID();
        assertThat(Clients.tools(channel, fx.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                .setTool("desk.create_case").setCallId(callId)
                .setArgumentsJson("{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}").build())
                .getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        Map<String, Object> row = new CallRows(dataSource).call(fx.tenant, callId);
        assertThat(row).containsEntry("policy_decision", "allow").containsEntry("policy_rule", "cases");
        return (String) row.get("policy_version");
    }

    private static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", DIR.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError(command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("toolgate-policies-git");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
