package dev.toolgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy directory as git-sync lays it out: {@code <root>/current} a relative symlink to
 * {@code .worktrees/<hash>}, each worktree's {@code .git} a file with a relative {@code gitdir} into
 * {@code <root>/.git/worktrees/<hash>} (whose {@code HEAD} is the detached commit), a commit published by renaming
 * a new link over {@code current}, the previous worktree then deleted.
 */
class GitSyncLayoutTest {
    private static final String COMMIT_A = "a".repeat(40);
    private static final String COMMIT_B = "b".repeat(40);

    @TempDir
    Path root;

    @Test
    void scan_throughTheLink_readsTheWorktreeAndItsCommit() throws IOException {
        worktree(COMMIT_A, "one");
        publish(COMMIT_A);

        PolicyDirectory.Scan scan = PolicyDirectory.scan(root.resolve("current"));

        assertThat(scan.exists()).isTrue();
        assertThat(scan.gitCommit()).contains(COMMIT_A);
        assertThat(scan.units().get(PolicyLayout.SHARED)).singleElement()
                .satisfies(f -> assertThat(f.text()).contains("id: one"));
    }

    @Test
    void fingerprint_changesWhenTheLinkIsSwapped_evenToIdenticalFiles() throws IOException {
        worktree(COMMIT_A, "same");
        worktree(COMMIT_B, "same");
        Files.setLastModifiedTime(root.resolve(".worktrees/" + COMMIT_B + "/_all.yaml"),
                Files.getLastModifiedTime(root.resolve(".worktrees/" + COMMIT_A + "/_all.yaml")));
        publish(COMMIT_A);
        String before = PolicyDirectory.fingerprint(root.resolve("current"));

        publish(COMMIT_B);

        assertThat(PolicyDirectory.fingerprint(root.resolve("current"))).isNotEqualTo(before);
    }

    @Test
    void watcher_followsALinkSwap_byItsEvent_withoutWaitingForTheCheckInterval() throws Exception {
        worktree(COMMIT_A, "one");
        publish(COMMIT_A);
        PolicyEngine engine = new PolicyEngine(Optional.of(root.resolve("current")), Clock.systemUTC(), System::nanoTime);
        engine.reload();
        try (PolicyWatcher watcher = new PolicyWatcher(engine, root.resolve("current"), Duration.ofHours(1)).start()) {
            // no wait for the watcher to register: a swap made before that is caught by its check after registering
            worktree(COMMIT_B, "two");
            publish(COMMIT_B); // the old worktree stays (git-sync's --stale-worktree-timeout): no event inside it

            long end = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!engine.status().gitCommit().equals(Optional.of(COMMIT_B)) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }
        assertThat(engine.status().gitCommit()).contains(COMMIT_B);
        assertThat(engine.policyOf("acme").rules()).extracting(Rule::id).containsExactly("two");
        assertThat(engine.status().rejected()).isEmpty();
    }

    @Test
    void symlinksOnTheWay_listsEachLinkFollowed() throws IOException {
        worktree(COMMIT_A, "one");
        publish(COMMIT_A);
        Path alias = Files.createSymbolicLink(root.resolve("alias"), Path.of("current"));

        assertThat(PolicyWatcher.symlinksOnTheWay(alias)).containsSubsequence(alias, root.resolve("current"));
        assertThat(PolicyWatcher.symlinksOnTheWay(root.resolve(".worktrees"))).doesNotContain(root.resolve("current"));
    }

    private void worktree(String commit, String ruleId) throws IOException {
        Path gitDir = Files.createDirectories(root.resolve(".git/worktrees/" + commit));
        Files.writeString(gitDir.resolve("HEAD"), commit + "\n");
        Files.writeString(gitDir.resolve("commondir"), "../..\n");
        Path tree = Files.createDirectories(root.resolve(".worktrees/" + commit));
        Files.writeString(tree.resolve(".git"), "gitdir: ../../.git/worktrees/" + commit + "\n");
        Files.writeString(tree.resolve("_all.yaml"), """
                rules:
                  - id: %s
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                """.formatted(ruleId));
    }

    private void publish(String commit) throws IOException {
        Path tmp = Files.createSymbolicLink(root.resolve("tmp-link"), Path.of(".worktrees", commit));
        Files.move(tmp, root.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
