package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CreateApiKeyRequest;
import dev.toolgate.proto.v1.CreateApiKeyResponse;
import dev.toolgate.proto.v1.ListSkillsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code toolgate skill ...} as a user runs it (a separate JVM), then a call under the skill. */
@MicronautTest
class SkillCliTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    GrpcEmbeddedServer server;

    record Run(int exit, String stdout, String stderr) {
    }

    private Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolgateCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().remove("TOOLGATE_API_KEY");
        pb.environment().remove("TOOLGATE_ADMIN_KEY");
        pb.environment().put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI timed out: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void skillVerbs_roundTrip_thenACallUnderTheSkillUsesItsSecret_andBadInputIsOneLine() throws Exception {
        gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-9\"}"));
        TenantFixture fx = gateway.fixture();
        fx.createCaseTool("/cases", 5000);
        fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("sales_token")
                .setValue("tok-cli-sales").build());
        CreateApiKeyResponse key = fx.admin().createApiKey(CreateApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setAgentId("cli-bot").addScopes("tools:call").build());
        Map<String, String> admin = Map.of("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
        String t = fx.tenant;

        Run created = cli(admin, "skill", "create", "sales", "--tenant", t, "--description", "Sales desk");
        assertThat(created.exit()).as(created.stderr()).isZero();
        assertThat(created.stdout()).startsWith("sales  Sales desk").contains("tools:   (none)");
        Run added = cli(admin, "skill", "add-tool", "sales", "--tenant", t, "desk.create_*");
        assertThat(added.exit()).as(added.stderr()).isZero();
        assertThat(added.stdout()).contains("tools:   desk.create_*");
        Run attached = cli(admin, "skill", "attach-secret", "sales", "--tenant", t, "--integration", "desk",
                "--slot", "desk_token", "--secret", "sales_token");
        assertThat(attached.exit()).as(attached.stderr()).isZero();
        assertThat(attached.stdout()).contains("secrets: desk/desk_token <- sales_token")
                .doesNotContain("tok-cli-sales");
        Run assigned = cli(admin, "skill", "assign", "sales", "--tenant", t, "--key", key.getKeyId());
        assertThat(assigned.exit()).as(assigned.stderr()).isZero();
        assertThat(assigned.stdout()).contains("keys:    " + key.getKeyId());
        Run listed = cli(admin, "skill", "list", "--tenant", t);
        assertThat(listed.stdout()).isEqualTo(assigned.stdout());

        Run call = cli(Map.of("TOOLGATE_API_KEY", key.getApiKey()), "call", "desk.create_case",
                "{\"customer_id\":\"c\",\"summary\":\"s\",\"priority\":\"low\"}", "--skill", "sales");
        assertThat(call.exit()).as(call.stderr()).isZero();
        assertThat(gateway.upstream().exchangesTo("/cases")).singleElement()
                .satisfies(e -> assertThat(e.header("Authorization")).isEqualTo("Bearer tok-cli-sales"));

        var before = fx.admin().listSkills(ListSkillsRequest.newBuilder().setTenant(t).build());
        Run unknown = cli(admin, "skill", "add-tool", "nope", "--tenant", t, "desk");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.stderr().lines().toList()).singleElement().asString()
                .startsWith("toolgate: NOT_FOUND").contains("skill 'nope' does not exist");
        Run duplicate = cli(admin, "skill", "create", "sales", "--tenant", t);
        assertThat(duplicate.exit()).isEqualTo(1);
        assertThat(duplicate.stderr()).startsWith("toolgate: ALREADY_EXISTS").contains("skill 'sales' already exists");
        Run badGlob = cli(admin, "skill", "add-tool", "sales", "--tenant", t, "desk.(x)");
        assertThat(badGlob.exit()).isEqualTo(1);
        assertThat(badGlob.stderr()).startsWith("toolgate: INVALID_ARGUMENT").contains("desk.(x)");
        assertThat(fx.admin().listSkills(ListSkillsRequest.newBuilder().setTenant(t).build())).isEqualTo(before);

        Run deleted = cli(admin, "skill", "delete", "sales", "--tenant", t);
        assertThat(deleted.stdout().trim()).isEqualTo("skill sales deleted");
        Run empty = cli(admin, "skill", "list", "--tenant", t);
        assertThat(empty.stdout()).isEmpty();
        assertThat(empty.stderr()).contains("has no skills: its keys call tenant-wide");
    }
}
