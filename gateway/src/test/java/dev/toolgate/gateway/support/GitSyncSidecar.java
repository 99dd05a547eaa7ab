package dev.toolgate.gateway.support;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the Helm chart's git-sync sidecar (v4, {@code --root=/srv/policies --link=current}) does to a pod's
 * policy volume, one sync at a time, with the real {@code git} command and git-sync's own steps and layout:
 * the root is a repository without a checkout; each commit gets its worktree {@code .worktrees/<hash>}
 * ({@code git worktree add --force --detach … --no-checkout}, then its {@code .git} file rewritten to a relative
 * {@code gitdir: ../../.git/worktrees/<hash>} and {@code git reset --hard}); the commit is published by
 * creating the symlink {@code tmp-link -> .worktrees/<hash>} and renaming it over {@code current} (one atomic
 * rename); the previous worktree is then removed ({@code --stale-worktree-timeout} 0, the default) and
 * {@code git worktree prune} run. The gateway reads {@code <root>/current[/subPath]}.
 */
public final class GitSyncSidecar {
    private final Path root;
    private final String repository;
    private final String ref;

    /** A sidecar that will sync {@code ref} of {@code repository} (a URL or path) into {@code root}. */
    public GitSyncSidecar(Path root, String repository, String ref) {
        this.root = requireNonNull(root, "root").toAbsolutePath();
        this.repository = requireNonNull(repository, "repository");
        this.ref = requireNonNull(ref, "ref");
    }

    /** The link the gateway is pointed at ({@code TOOLGATE_POLICY_DIR}, without a subPath). */
    public Path link() {
        return root.resolve("current");
    }

    /** The commit {@link #link()} points at now, if any. */
    public Optional<String> current() {
        try {
            return Files.isSymbolicLink(link())
                    ? Optional.of(Files.readSymbolicLink(link()).getFileName().toString())
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One sync: fetches the ref and, when it moved, publishes its commit. Returns the commit now published. */
    public String sync() {
        try {
            Files.createDirectories(root);
            if (!Files.isDirectory(root.resolve(".git"))) {
                git(root, "init", "-q");
            }
            git(root, "fetch", "-q", repository, ref);
            String hash = git(root, "rev-parse", "FETCH_HEAD^{}").strip();
            Optional<String> previous = current();
            if (previous.isPresent() && previous.get().equals(hash)) {
                return hash;
            }
            git(root, "reset", "-q", "--soft", hash, "--");
            Path worktree = root.resolve(".worktrees").resolve(hash);
            deleteTree(worktree);
            git(root, "worktree", "add", "-q", "--force", "--detach", worktree.toString(), hash, "--no-checkout");
            Files.writeString(worktree.resolve(".git"), "gitdir: ../../.git/worktrees/" + hash + "\n",
                    StandardCharsets.UTF_8);
            git(worktree, "reset", "-q", "--hard", hash, "--");
            Path tmpLink = root.resolve("tmp-link");
            Files.deleteIfExists(tmpLink);
            Files.createSymbolicLink(tmpLink, Path.of(".worktrees", hash));
            Files.move(tmpLink, link(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (previous.isPresent()) {
                deleteTree(root.resolve(".worktrees").resolve(previous.get()));
                git(root, "worktree", "prune");
            }
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code git} in {@code dir}; its standard output, or an error naming the command and what git said. */
    public static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=test", "-c", "user.email=test@example.invalid",
                "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false"));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("git-out", ".txt");
            try {
                Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).start();
                if (!p.waitFor(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(cmd + " did not finish");
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(cmd + " in " + dir + " failed (" + p.exitValue() + "): " + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
