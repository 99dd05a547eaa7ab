package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy CLI on the shipped examples and on broken copies of them, as a policy repo's CI runs it. */
class PolicyCommandTest {
    /** The shipped examples: only checked to pass lint and test, never by line (users edit them). */
    private static final Path SHIPPED = Path.of("..", "examples", "policies");
    /** A frozen copy of the examples (src/test/resources/policy-fixture) that the line-pinned checks read. */
    private static final Path EXAMPLES = Path.of("src", "test", "resources", "policy-fixture");

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ToolgateCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path copyOfExamples() throws IOException {
        try (Stream<Path> files = Files.walk(EXAMPLES)) {
            for (Path f : files.toList()) {
                Path target = tmp.resolve(EXAMPLES.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return tmp;
    }

    private Path withDemoRule(String rule) throws IOException {
        Path dir = copyOfExamples();
        Files.writeString(dir.resolve("demo.yaml"), Files.readString(dir.resolve("demo.yaml")) .replace("rate_limits:",
                rule.indent(2) + "rate_limits:"));
        return dir;
    }

    @Test
    void examples_passLintAndTest() {
        Run lint = run("policy", "lint", SHIPPED.toString());
        assertThat(lint.exit()).as(lint.out() + lint.err()).isZero();
        assertThat(lint.out()).contains("0 errors, 0 warnings");
        Run test = run("policy", "test", SHIPPED.toString());
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).containsPattern("1\\d tests, 0 failed");
    }

    @Test
    void lint_badYaml_failsWithFileAndLine() throws IOException {
        Path dir = copyOfExamples();
        Files.writeString(dir.resolve("demo.yaml"), "rules:\n  - id: x\n    effect: [allow\n");
        Run lint = run("policy", "lint", dir.toString());
        assertThat(lint.exit()).isEqualTo(1);
        assertThat(lint.out()).containsPattern("demo\\.yaml:4:\\d+: error: invalid YAML");
    }

    @Test
    void lint_celSyntaxError_failsWithFileLineAndColumn() throws IOException {
        Run lint = run("policy", "lint", withDemoRule("""
                  - id: broken
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                    when: args.priority == """).toString());
        assertThat(lint.exit()).isEqualTo(1);
        assertThat(lint.out()).containsPattern("demo\\.yaml:\\d+:\\d+: error: in 'when'");
    }

    @Test
    void lint_celTypeError_failsWithFileLine() throws IOException {
        Run lint = run("policy", "lint", withDemoRule("""
                  - id: typed
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: tool.name + 1 == 2""").toString());
        assertThat(lint.exit()).isEqualTo(1);
        assertThat(lint.out()).containsPattern("demo\\.yaml:\\d+:\\d+: error: in 'when': found no matching overload");
    }

    @Test
    void lint_unknownVariable_failsWithFileLineAndColumn() throws IOException {
        Run lint = run("policy", "lint", withDemoRule("""
                  - id: typo
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: arg.amount > 100""").toString());
        assertThat(lint.exit()).isEqualTo(1);
        assertThat(lint.out()).containsPattern("demo\\.yaml:\\d+:11: error: in 'when': undeclared reference to 'arg'");
    }

    @Test
    void test_aFailingCase_failsWithTheCasesFileAndLine() throws IOException {
        Path dir = copyOfExamples();
        Files.writeString(dir.resolve("demo_test.yaml"), Files.readString(dir.resolve("demo_test.yaml"))
                + """
                  - name: wrong on purpose
                    agent: demo-agent
                    tool: support_desk.get_support_case
                    expect: deny
                """);
        Run test = run("policy", "test", dir.toString());
        assertThat(test.exit()).isEqualTo(1);
        assertThat(test.out()).containsPattern("demo_test\\.yaml:\\d+:5: error: test 'wrong on purpose' failed:"
                + " expected deny, got allow by rule 'read-cases'");
        // lint does not run the cases
        assertThat(run("policy", "lint", dir.toString()).exit()).isZero();
    }

    @Test
    void explain_printsEveryRuleAndTheDecision_andExpectSetsTheExitCode() {
        String[] call = {"policy", "explain", EXAMPLES.toString(), "--tenant", "acme", "--agent", "support-bot",
                "--tool", "billing.refund", "--args", "{\"order_id\":\"A-1\",\"amount\":150}",
                "--time", "2025-01-06T12:00:00Z"};
        Run explain = run(call);
        assertThat(explain.exit()).isZero();
        assertThat(explain.out()).contains("✓ large-refunds-need-confirmation").contains("args.amount > 100` is true")
                .contains("decision: confirm by large-refunds-need-confirmation");
        String[] expectDeny = java.util.Arrays.copyOf(call, call.length + 2);
        expectDeny[call.length] = "--expect";
        expectDeny[call.length + 1] = "deny";
        assertThat(run(expectDeny).exit()).isEqualTo(1);
        assertThat(run("policy", "explain", EXAMPLES.toString(), "--tenant", "acme", "--agent", "a", "--tool",
                "billing.refund", "--args", "[1").exit()).isEqualTo(2);
    }

    @Test
    void lint_withACatalog_warnsAboutUnknownIntegrationsAndUnmatchedPatterns() throws IOException {
        Path catalog = tmp.resolve("catalog.txt");
        Files.writeString(catalog, "# toolgate tools > catalog.txt\nsupport_desk.create_support_case (v1) Open a case\n");
        Run lint = run("policy", "lint", EXAMPLES.toString(), "--catalog", "demo=" + catalog, "--catalog",
                "acme=" + catalog);
        assertThat(lint.exit()).isZero();
        assertThat(lint.out()).contains("demo.yaml:5:5: warning: rule 'read-cases': pattern"
                + " 'support_desk.get_support_case' matches no tool in the catalog")
                .contains("acme/billing.yaml:3:5: warning: rule 'refunds': unknown integration 'billing'");
        assertThat(run("policy", "lint", EXAMPLES.toString(), "--catalog", "demo=" + catalog,
                "--warnings-as-errors").exit()).isEqualTo(1);
    }

    @Test
    void missingDirectory_isAUsageError() {
        Run lint = run("policy", "lint", tmp.resolve("nope").toString());
        assertThat(lint.exit()).isEqualTo(2);
        assertThat(lint.err()).contains("does not exist");
    }
}
