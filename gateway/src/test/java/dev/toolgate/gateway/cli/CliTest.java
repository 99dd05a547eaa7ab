package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The CLI as a user runs it: a separate JVM, configured by environment variables. */
@MicronautTest
class CliTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Inject
    GrpcEmbeddedServer server;

    @Inject
    javax.sql.DataSource dataSource;

    @io.micronaut.context.annotation.Value("${datasources.default.url}")
    String databaseUrl;

    record Run(int exit, String stdout, String stderr) {
    }

    private Run cli(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ToolgateCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().remove("TOOLGATE_API_KEY");
        pb.environment().remove("TOOLGATE_ADMIN_KEY");
        pb.environment().put("TOOLGATE_ADDRESS", "127.0.0.1:" + server.getPort());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("CLI timed out: " + String.join(" ", args));
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void adminVerbsThenCall_workEndToEnd_andErrorsAreOneLine() throws Exception {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/support/cases", r -> Reply.json(201, "{\"case_id\":\"CASE-000007\",\"status\":\"open\"}"))) {
            Map<String, String> admin = Map.of("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
            String tenant = "cli-" + UUID.randomUUID().toString().substring(0, 8);

            assertThat(cli(admin, "", "admin", "create-tenant", tenant).exit()).isZero();
            assertThat(cli(admin, "cli-token-123\n", "admin", "put-secret", "--tenant", tenant, "support_desk_token").exit()).isZero();
            Run integration = cli(admin, "", "admin", "put-http-integration", "--tenant", tenant, "support_desk",
                    "--base-url", upstream.baseUrl(), "--bearer-secret", "support_desk_token");
            assertThat(integration.exit()).as(integration.stderr()).isZero();
            String toolFile = java.nio.file.Files.readString(ROOT.resolve("examples/tools/create-support-case.json"))
                    .replace("\"acme\"", "\"" + tenant + "\"").replace("\"desk\"", "\"support_desk\"");
            Path file = java.nio.file.Files.createTempFile("tool", ".json");
            java.nio.file.Files.writeString(file, toolFile);
            Run tool = cli(admin, "", "admin", "upsert-http-tool", file.toString());
            assertThat(tool.exit()).as(tool.stderr()).isZero();
            assertThat(tool.stdout()).contains("support_desk.create_support_case is at version 1");
            Run imported = cli(admin, "", "import-openapi", "--tenant", tenant, "desk_api",
                    ROOT.resolve("examples/openapi/support-desk.yaml").toString(), "--base-url", upstream.baseUrl(),
                    "--secret", "bearerAuth=support_desk_token");
            assertThat(imported.exit()).as(imported.stderr()).isZero();
            assertThat(imported.stdout()).contains("2 added, 0 changed, 0 unchanged, 0 removed")
                    .contains("  + desk_api.get_support_case")
                    .contains("secret support_desk_token for scheme bearerAuth (BEARER): present");
            Run notOpenApi = cli(admin, "", "import-openapi", "--tenant", tenant, "desk_api",
                    ROOT.resolve("README.md").toString());
            assertThat(notOpenApi.exit()).isEqualTo(1);
            assertThat(notOpenApi.stderr().lines().toList()).singleElement().asString()
                    .startsWith("toolgate: INVALID_ARGUMENT");
            Run missing = cli(admin, "", "import-openapi", "--tenant", tenant, "desk_api", "/nonexistent.yaml");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.stderr().trim()).isEqualTo("toolgate: /nonexistent.yaml: no such file");
            Run key = cli(admin, "", "admin", "create-key", "--tenant", tenant, "--agent", "cli-agent");
            assertThat(key.stdout()).startsWith("TOOLGATE_API_KEY=tg_");
            Map<String, String> agent = Map.of("TOOLGATE_API_KEY", key.stdout().trim().substring("TOOLGATE_API_KEY=".length()));

            Run tools = cli(agent, "", "tools");
            assertThat(tools.stdout()).contains("support_desk.create_support_case (v1)");
            Run exported = cli(agent, "", "tools", "--format", "openai");
            assertThat(exported.exit()).as(exported.stderr()).isZero();
            assertThat(exported.stdout()).startsWith("[{\"type\":\"function\"").contains("\"support_desk__create_support_case\"");
            Run gemini = cli(agent, "", "tools", "--format", "gemini");
            assertThat(gemini.exit()).as(gemini.stderr()).isZero();
            assertThat(gemini.stdout()).contains("{\"name\":\"support_desk__create_support_case\"")
                    .contains("\"type\":\"OBJECT\"");
            Run strict = cli(agent, "", "tools", "--format", "openai-strict", "--integration", "support_desk");
            assertThat(strict.exit()).as(strict.stderr()).isZero();
            assertThat(strict.stdout()).contains("\"strict\":true");
            assertThat(strict.stderr().lines().toList()).containsExactly("support_desk__create_support_case: dropped:"
                    + " \"minLength\" at 2 places (/properties/customer_id/minLength, /properties/summary/minLength): not"
                    + " supported in strict mode", "toolgate: 1 export note(s) above: what the export changed to fit"
                    + " openai-strict's rules (docs/catalog.md#exports)");
            Run badFormat = cli(agent, "", "tools", "--format", "bard");
            assertThat(badFormat.exit()).isEqualTo(1);
            assertThat(badFormat.stderr().trim()).isEqualTo("toolgate: --format must be openai, openai-strict, anthropic,"
                    + " anthropic-deferred, gemini or mcp, but was 'bard'");

            Run ok = cli(agent, "", "call", "support_desk.create_support_case",
                    "{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"low\"}");
            assertThat(ok.exit()).as(ok.stderr()).isZero();
            assertThat(ok.stdout()).contains("CASE-000007");
            assertThat(upstream.exchanges().get(0).header("Authorization")).isEqualTo("Bearer cli-token-123");

            Run invalid = cli(agent, "", "call", "support_desk.create_support_case", "{\"priority\":\"urgent\"}");
            assertThat(invalid.exit()).isEqualTo(1);
            assertThat(invalid.stderr().lines().toList()).singleElement().asString()
                    .startsWith("toolgate: INVALID_ARGUMENT").contains("/priority").doesNotContain("Exception");

            Run noKey = cli(Map.of(), "", "tools");
            assertThat(noKey.exit()).isEqualTo(1);
            assertThat(noKey.stderr().trim()).isEqualTo(
                    "toolgate: TOOLGATE_API_KEY is not set; export TOOLGATE_API_KEY=tg_... (./toolgate demo prints one)");

            Run unreachable = cli(Map.of("TOOLGATE_API_KEY", "tg_x", "TOOLGATE_ADDRESS", "127.0.0.1:1"), "", "tools");
            assertThat(unreachable.exit()).isEqualTo(1);
            assertThat(unreachable.stderr().lines().toList()).singleElement().asString().contains("cannot reach the gateway");
        }
    }

    @Test
    void aHeldCall_isConfirmedFromTheShell_andRunsOnce() throws Exception {
        try (TestUpstream upstream = TestUpstream.start()
                .route("/support/cases", r -> Reply.json(201, "{\"case_id\":\"CASE-000042\"}"))) {
            Map<String, String> admin = Map.of("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
            String tenant = "cli-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(cli(admin, "", "admin", "create-tenant", tenant).exit()).isZero();
            assertThat(cli(admin, "", "admin", "put-http-integration", "--tenant", tenant, "support_desk",
                    "--base-url", upstream.baseUrl()).exit()).isZero();
            String toolFile = java.nio.file.Files.readString(ROOT.resolve("examples/tools/create-support-case.json"))
                    .replace("\"acme\"", "\"" + tenant + "\"").replace("\"desk\"", "\"support_desk\"")
                    .replace("\"annotations\": {}", "\"annotations\": {\"requiresConfirmation\": true}");
            Path file = java.nio.file.Files.createTempFile("tool", ".json");
            java.nio.file.Files.writeString(file, toolFile);
            assertThat(cli(admin, "", "admin", "upsert-http-tool", file.toString()).exit()).isZero();
            Map<String, String> agent = keyEnv(admin, tenant, "bot", "tools:call");
            Map<String, String> human = keyEnv(admin, tenant, "lead", "tools:confirm");
            String args = "{\"customer_id\":\"acme\",\"summary\":\"refund\",\"priority\":\"high\"}";

            Run held = cli(agent, "", "call", "support_desk.create_support_case", args, "--call-id", "cli-held-1",
                    "--session", "s-1");
            assertThat(held.exit()).as(held.stderr()).isEqualTo(3);
            assertThat(held.stdout()).contains("support_desk.create_support_case").contains("\"acme\"");
            assertThat(held.stderr()).contains("toolgate confirm cli-held-1");
            Run selfApproval = cli(agent, "", "confirm", "cli-held-1");
            assertThat(selfApproval.exit()).isEqualTo(1);
            assertThat(selfApproval.stderr().lines().toList()).singleElement().asString().contains("PERMISSION_DENIED");
            assertThat(upstream.exchanges()).isEmpty();

            Run approved = cli(human, "", "confirm", "cli-held-1", "--reason", "checked with the customer");
            assertThat(approved.exit()).as(approved.stderr()).isZero();
            assertThat(approved.stdout()).contains("CASE-000042");
            assertThat(approved.stderr()).contains("approved by lead");
            Run again = cli(agent, "", "call", "support_desk.create_support_case", args, "--call-id", "cli-held-1");
            assertThat(again.exit()).isZero();
            assertThat(again.stderr()).contains("replayed");
            assertThat(upstream.exchanges()).hasSize(1);

            Run audit = cli(admin, "", "audit", "--tenant", tenant, "--since", "1h", "--tool",
                    "support_desk.create_support_case", "--status", "succeeded");
            assertThat(audit.exit()).as(audit.stderr()).isZero();
            assertThat(audit.stdout()).contains("SUCCEEDED  support_desk.create_support_case  bot  allow by")
                    .contains("cli-held-1");
            Run badAge = cli(admin, "", "audit", "--tenant", tenant, "--since", "yesterday");
            assertThat(badAge.exit()).isEqualTo(1);
            assertThat(badAge.stderr()).contains("--since must be an ISO-8601 instant");
        }
    }

    private Map<String, String> keyEnv(Map<String, String> admin, String tenant, String agent, String scope)
            throws Exception {
        Run key = cli(admin, "", "admin", "create-key", "--tenant", tenant, "--agent", agent, "--scope", scope);
        assertThat(key.exit()).as(key.stderr()).isZero();
        return Map.of("TOOLGATE_API_KEY", key.stdout().trim().substring("TOOLGATE_API_KEY=".length()));
    }

    @Test
    void mcpAddAndSync_storeTheServersTools_andAnUnreachableServerIsAClearError() throws Exception {
        try (dev.toolgate.gateway.support.McpReferenceServer server = dev.toolgate.gateway.support.McpReferenceServer
                .start()) {
            Map<String, String> admin = Map.of("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
            String tenant = "cli-mcp-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(cli(admin, "", "admin", "create-tenant", tenant).exit()).isZero();

            Run added = cli(admin, "", "mcp", "add", "--tenant", tenant, "everything", server.url());
            assertThat(added.exit()).as(added.stderr()).isZero();
            assertThat(added.stdout()).containsPattern("integration everything \\(server \\S+ [^)]*\\): \\d+ added, 0 changed")
                    .contains("  + everything.get-sum");

            Run synced = cli(admin, "", "mcp", "sync", "--tenant", tenant, "everything");
            assertThat(synced.exit()).as(synced.stderr()).isZero();
            assertThat(synced.stdout()).contains("0 added, 0 changed").doesNotContain("  + ");

            Run nowhere = cli(admin, "", "mcp", "add", "--tenant", tenant, "nowhere", "http://127.0.0.1:9/mcp");
            assertThat(nowhere.exit()).isEqualTo(1);
            assertThat(nowhere.stderr()).contains("UNAVAILABLE").contains("cannot be reached");
        }
    }

    @Test
    void sqlAdd_declaresTheExampleIntegration_andItsToolsAnswerCalls() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String schema = "crm_" + suffix;
        String role = "tg_crm_" + suffix;
        String ddl = java.nio.file.Files.readString(ROOT.resolve("examples/sql/crm-schema.sql"))
                .replace("toolgate_crm", role).replaceAll("\\bcrm\\b", schema);
        String yaml = java.nio.file.Files.readString(ROOT.resolve("examples/sql/crm.yaml"))
                .replace("toolgate_crm", role).replaceAll("\\bcrm\\b", schema)
                .replace("jdbc:postgresql://127.0.0.1:5432/toolgate_guide_sql", databaseUrl);
        sql(ddl);
        try {
            Map<String, String> admin = Map.of("TOOLGATE_ADMIN_KEY", Clients.BOOTSTRAP_ADMIN_KEY);
            String tenant = "cli-" + suffix;
            assertThat(cli(admin, "", "admin", "create-tenant", tenant).exit()).isZero();
            assertThat(cli(admin, "trust-auth-ignores-it\n", "admin", "put-secret", "--tenant", tenant, "crm_password")
                    .exit()).isZero();
            Path file = java.nio.file.Files.createTempFile("crm", ".yaml");
            java.nio.file.Files.writeString(file, yaml);

            Run added = cli(admin, "", "sql", "add", "--tenant", tenant, "crm", file.toString());

            assertThat(added.exit()).as(added.stderr()).isZero();
            assertThat(added.stdout()).contains("integration crm: 5 added, 0 changed, 0 unchanged, 0 removed")
                    .contains("upcoming_renewals (read-only)", "parameters: until date, plan text (optional)")
                    .contains("add_note (writes)", "parameters: customer_id integer, body text");
            Run key = cli(admin, "", "admin", "create-key", "--tenant", tenant, "--agent", "cli-agent");
            Map<String, String> agent = Map.of("TOOLGATE_API_KEY", key.stdout().trim().substring("TOOLGATE_API_KEY=".length()));
            Run found = cli(agent, "", "call", "crm.find_customer", "{\"email\":\"ada@example.com\"}");
            assertThat(found.exit()).as(found.stderr()).isZero();
            assertThat(found.stdout()).contains("Ada Lovelace").contains("\"1234.50\"");
            Run note = cli(agent, "", "call", "crm.add_note", "{\"customer_id\":1,\"body\":\"called\"}");
            assertThat(note.exit()).as(note.stderr()).isZero();
            assertThat(note.stdout()).contains("\"row_count\":1");

            java.nio.file.Files.writeString(file, yaml.replace("max_rows: 50", "max_rowz: 50"));
            Run typo = cli(admin, "", "sql", "add", "--tenant", tenant, "crm", file.toString());
            assertThat(typo.exit()).isEqualTo(1);
            assertThat(typo.stderr().lines().toList()).singleElement().asString()
                    .contains("tools[1]: unknown key 'max_rowz'");
            java.nio.file.Files.writeString(file, yaml.replace("WHERE email = :email", "WHERE email = :email; DELETE FROM "
                    + schema + ".notes"));
            Run twoStatements = cli(admin, "", "sql", "add", "--tenant", tenant, "crm", file.toString());
            assertThat(twoStatements.exit()).isEqualTo(1);
            assertThat(twoStatements.stderr().lines().toList()).singleElement().asString()
                    .startsWith("toolgate: INVALID_ARGUMENT").contains("tools[0].sql").contains("only one statement");
        } finally {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE; DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role);
        }
    }

    private void sql(String script) throws Exception {
        try (java.sql.Connection c = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                .unwrapDataSource(dataSource).getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(script);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
