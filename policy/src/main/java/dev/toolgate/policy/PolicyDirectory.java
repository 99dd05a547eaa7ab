package dev.toolgate.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a policy directory: every policy and test file, grouped by tenant (see
 * {@link PolicyLayout}), plus the Git commit when the directory is a checkout. Reading is
 * bounded in file count, file size and depth. Nothing here compiles; see {@link PolicySet}.
 */
public final class PolicyDirectory {
    static final int MAX_FILES = 10_000;
    static final int MAX_DEPTH = 16;
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    /** Reads of a directory whose symlink moved meanwhile are started over at most this often. */
    private static final int MAX_LINK_MOVES = 3;

    private PolicyDirectory() {
    }

    /** One file as read. */
    public record SourceFile(String path, String text, PolicyLayout.Placement placement) {
    }

    /**
     * What was found.
     *
     * @param units    tenant (or {@code _all}) → its files, in path order
     * @param problems files that could not be read or placed
     */
    public record Scan(Path root, boolean exists, Map<String, List<SourceFile>> units, List<Problem> problems,
            Optional<String> gitCommit) {
        public Scan {
            units = Map.copyOf(units);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads the directory. When {@code root} is (or passes through) a symlink, as git-sync's link to its
     * current worktree is, the files are read from the directory it points to at the start, so one read
     * never mixes two checkouts; if the link moved while they were read (and the old checkout may be
     * going away), the read starts over on the new target.
     */
    public static Scan scan(Path root) {
        Path target = realPath(root);
        for (int moves = 0; ; moves++) {
            Scan scan;
            try {
                scan = scanAt(root, target);
            } catch (UncheckedIOException e) {
                if (moves < MAX_LINK_MOVES && !realPath(root).equals(target)) {
                    target = realPath(root);
                    continue;
                }
                throw e;
            }
            Path now = realPath(root);
            if (now.equals(target) || moves >= MAX_LINK_MOVES) {
                return scan;
            }
            target = now;
        }
    }

    /**
     * Where {@code root} leads with every symlink followed ({@link Path#toRealPath}); {@code root} itself when
     * it does not exist or cannot be resolved.
     */
    public static Path realPath(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException | SecurityException e) {
            return root;
        }
    }

    private static Scan scanAt(Path root, Path dir) {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<SourceFile>> units = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return new Scan(root, false, units, problems, Optional.empty());
        }
        long total = 0;
        for (Path file : yamlFiles(dir)) {
            String rel = relative(dir, file);
            Optional<PolicyLayout.Placement> placement = PolicyLayout.place(rel);
            if (placement.isEmpty()) {
                problems.add(Problem.warning(SourcePosition.ofFile(rel), "ignored: '" + rel.split("/")[0]
                        + "' is not a tenant id (lowercase letters and digits, joined by - or _) nor _all"));
                continue;
            }
            try {
                long size = Files.size(file);
                total += size;
                if (size > YamlSource.MAX_FILE_CHARS || total > MAX_TOTAL_BYTES) {
                    problems.add(Problem.error(SourcePosition.ofFile(rel), size > YamlSource.MAX_FILE_CHARS
                            ? "file is larger than " + YamlSource.MAX_FILE_CHARS + " bytes"
                            : "the policy directory holds more than " + MAX_TOTAL_BYTES + " bytes of YAML"));
                    units.computeIfAbsent(placement.get().unit(), k -> new ArrayList<>())
                            .add(new SourceFile(rel, null, placement.get()));
                    continue;
                }
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
                units.computeIfAbsent(placement.get().unit(), k -> new ArrayList<>())
                        .add(new SourceFile(rel, text, placement.get()));
            } catch (CharacterCodingException e) {
                problems.add(Problem.error(SourcePosition.ofFile(rel), "file is not UTF-8 text"));
                units.computeIfAbsent(placement.get().unit(), k -> new ArrayList<>())
                        .add(new SourceFile(rel, null, placement.get()));
            } catch (IOException e) {
                problems.add(Problem.error(SourcePosition.ofFile(rel), "cannot read the file: " + e.getMessage()));
                units.computeIfAbsent(placement.get().unit(), k -> new ArrayList<>())
                        .add(new SourceFile(rel, null, placement.get()));
            }
        }
        if (units.values().stream().mapToInt(List::size).sum() > MAX_FILES) {
            problems.add(Problem.error(SourcePosition.ofFile("."), "more than " + MAX_FILES + " policy files"));
        }
        return new Scan(root, true, units, problems, GitHead.commitOf(dir));
    }

    /**
     * A cheap summary of the directory (where its symlinks lead, paths, sizes, modification times, Git
     * HEAD) that changes whenever a file does or a link is pointed elsewhere; the watcher reloads when it
     * changes.
     */
    public static String fingerprint(Path root) {
        Path dir = realPath(root);
        if (!Files.isDirectory(dir)) {
            return "absent";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((dir + "\n").getBytes(StandardCharsets.UTF_8));
            for (Path file : yamlFiles(dir)) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                sha.update((relative(dir, file) + '\u0000' + a.size() + '\u0000' + a.lastModifiedTime().toMillis()
                        + '\n').getBytes(StandardCharsets.UTF_8));
            }
            sha.update(GitHead.commitOf(dir).orElse("").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException | UncheckedIOException e) {
            return "unreadable:" + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> yamlFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(p -> !p.equals(root))
                    .filter(p -> !hidden(root, p))
                    .filter(Files::isRegularFile)
                    .filter(p -> PolicyLayout.isYaml(p.getFileName().toString()))
                    .sorted()
                    .limit(MAX_FILES + 1L)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
