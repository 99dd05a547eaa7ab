package dev.toolgate.policy;

import static dev.toolgate.policy.Policies.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicySetTest {
    private static final String ALLOW_READS = """
            rules:
              - id: reads
                effect: allow
                tools: ["desk.get_*"]
                agents: ["*"]
            """;

    @TempDir
    Path dir;

    private PolicyEngine engine() {
        return new PolicyEngine(Optional.of(dir), Clock.systemUTC(), System::nanoTime);
    }

    private void write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void eachTenantGetsItsOwnFiles_plusTheSharedOnes_andNeverAnothersRules() throws IOException {
        write("acme.yaml", ALLOW_READS);
        write("_all.yaml", """
                rules:
                  - id: no-deletes
                    effect: deny
                    tools: ["*.delete_*"]
                    agents: ["*"]
                """);
        PolicyEngine engine = engine();
        assertThat(engine.reload().rejected()).isEmpty();
        assertThat(engine.decide(call("a", "desk.get_case", "{}")).verdict()).isEqualTo(Verdict.ALLOW);
        PolicyRequest globex = PolicyRequest.builder().tenant("globex").agent("a").tool("desk.get_case")
                .time(java.time.Instant.EPOCH).build();
        assertThat(engine.decide(globex).verdict()).isEqualTo(Verdict.DENY);
        assertThat(engine.policyOf("acme").rules()).extracting(Rule::id).containsExactly("no-deletes", "reads");
        assertThat(engine.policyOf("globex").rules()).extracting(Rule::id).containsExactly("no-deletes");
    }

    @Test
    void tenantDirectory_andTestFiles_areLoaded_andFailingTestsRejectTheTenant() throws IOException {
        write("acme/desk.yaml", ALLOW_READS);
        write("acme/desk_test.yaml", """
                tests:
                  - name: reads are allowed
                    agent: a
                    tool: desk.get_case
                    expect: allow
                    rule: reads
                """);
        PolicyEngine engine = engine();
        assertThat(engine.reload().rejected()).isEmpty();
        String goodVersion = engine.policyOf("acme").version();
        assertThat(goodVersion).startsWith("sha256:");

        write("acme/desk_test.yaml", """
                tests:
                  - name: writes are allowed
                    agent: a
                    tool: desk.create_case
                    expect: allow
                """);
        PolicyEngine.Status status = engine.reload();
        assertThat(status.rejected()).singleElement().satisfies(r -> {
            assertThat(r.unit()).isEqualTo("acme");
            assertThat(r.problems().getFirst().toString())
                    .startsWith("acme/desk_test.yaml:2:5").contains("test 'writes are allowed' failed")
                    .contains("expected allow").contains("got deny by rule 'default-deny'");
        });
        assertThat(status.rejectionsTotal()).isEqualTo(1);
        // the previous policy stays in force
        assertThat(engine.policyOf("acme").version()).isEqualTo(goodVersion);
    }

    @Test
    void brokenFile_keepsTheLastGoodPolicy_andAFixedOneReplacesIt() throws IOException {
        write("acme.yaml", ALLOW_READS);
        PolicyEngine engine = engine();
        engine.reload();
        write("acme.yaml", "rules:\n  - id: x\n    effect: allow\n    tools: [\"*\"]\n    agents: [\"*\"]\n    when: args.amount >\n");
        PolicyEngine.Status status = engine.reload();
        assertThat(status.rejected()).singleElement().extracting(r -> r.problems().getFirst().toString())
                .asString().startsWith("acme.yaml:6:");
        assertThat(engine.decide(call("a", "desk.get_case", "{}")).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(engine.decide(call("a", "desk.create_case", "{}")).verdict()).isEqualTo(Verdict.DENY);

        write("acme.yaml", "rules:\n  - id: everything\n    effect: allow\n    tools: [\"*\"]\n    agents: [\"*\"]\n");
        assertThat(engine.reload().rejected()).isEmpty();
        assertThat(engine.decide(call("a", "desk.create_case", "{}")).ruleId()).isEqualTo("everything");
    }

    @Test
    void aTenantWhoseFirstPolicyIsBroken_isDeniedEverything_notGivenTheSharedRulesAlone() throws IOException {
        write("_all.yaml", "rules:\n  - id: open\n    effect: allow\n    tools: [\"*\"]\n    agents: [\"*\"]\n");
        write("acme.yaml", "rules: [oops");
        PolicyEngine engine = engine();
        engine.reload();
        Decision d = engine.decide(call("a", "desk.get_case", "{}"));
        assertThat(d.verdict()).isEqualTo(Verdict.DENY);
        assertThat(d.version()).isEqualTo("rejected");
    }

    @Test
    void missingDirectory_deniesEverything_andIsPickedUpOnceCreated() throws IOException {
        Path later = dir.resolve("later");
        PolicyEngine engine = new PolicyEngine(Optional.of(later), Clock.systemUTC(), System::nanoTime);
        assertThat(engine.reload().directoryExists()).isFalse();
        assertThat(engine.decide(call("a", "desk.get_case", "{}")).verdict()).isEqualTo(Verdict.DENY);
        Files.createDirectories(later);
        Files.writeString(later.resolve("acme.yaml"), ALLOW_READS);
        engine.reload();
        assertThat(engine.decide(call("a", "desk.get_case", "{}")).verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void gitCheckout_versionIsTheCommit_plusTheHashOfTheFilesAsLoaded() throws IOException {
        write("acme.yaml", ALLOW_READS);
        String sha = "0123456789abcdef0123456789abcdef01234567";
        write(".git/HEAD", "ref: refs/heads/main\n");
        write(".git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n" + sha + " refs/heads/main\n");
        PolicyEngine engine = engine();
        engine.reload();
        String first = engine.decide(call("a", "desk.get_case", "{}")).version();
        assertThat(first).matches("git:0123456789ab\\+sha256:[0-9a-f]{16}");
        String loose = "fedcba9876543210fedcba9876543210fedcba98";
        write(".git/refs/heads/main", loose + "\n");
        engine.reload();
        String moved = engine.decide(call("a", "desk.get_case", "{}")).version();
        assertThat(moved).startsWith("git:fedcba987654+").endsWith(first.substring(first.indexOf('+')));
    }

    @Test
    void gitCheckout_anEditedOrUntrackedFile_changesTheVersion_atTheSameCommit() throws IOException {
        write("acme.yaml", ALLOW_READS);
        write(".git/HEAD", "0123456789abcdef0123456789abcdef01234567\n"); // detached
        PolicyEngine engine = engine();
        engine.reload();
        String committed = engine.decide(call("a", "desk.get_case", "{}")).version();

        write("acme.yaml", ALLOW_READS + "  - id: writes\n    effect: allow\n    tools: [desk.create_case]\n    agents: [\"*\"]\n");
        assertThat(engine.reload().rejected()).isEmpty();
        String edited = engine.decide(call("a", "desk.get_case", "{}")).version();

        write("_all.yaml", "rules:\n  - id: no-deletes\n    effect: deny\n    tools: [\"*.delete_*\"]\n    agents: [\"*\"]\n");
        assertThat(engine.reload().rejected()).isEmpty();
        String untracked = engine.decide(call("a", "desk.get_case", "{}")).version();

        assertThat(List.of(committed, edited, untracked)).allMatch(v -> v.startsWith("git:0123456789ab+sha256:"))
                .doesNotHaveDuplicates();
        write("acme.yaml", ALLOW_READS); // back to the committed files: the commit's version again
        Files.delete(dir.resolve("_all.yaml"));
        engine.reload();
        assertThat(engine.decide(call("a", "desk.get_case", "{}")).version()).isEqualTo(committed);
    }

    @Test
    void watcher_reloadsWhenAFileChanges() throws Exception {
        write("acme.yaml", ALLOW_READS);
        PolicyEngine engine = engine();
        engine.reload();
        try (PolicyWatcher watcher = new PolicyWatcher(engine, dir, java.time.Duration.ofMillis(200)).start()) {
            write("acme.yaml", "rules:\n  - id: everything\n    effect: allow\n    tools: [\"*\"]\n    agents: [\"*\"]\n");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (engine.decide(call("a", "desk.create_case", "{}")).verdict() != Verdict.ALLOW
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(engine.decide(call("a", "desk.create_case", "{}")).ruleId()).isEqualTo("everything");
        }
    }
}
