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

    public static Scan scan(Path root) {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<SourceFile>> units = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return new Scan(root, false, units, problems, Optional.empty());
        }
        long total = 0;
        for (Path file : yamlFiles(root)) {
            String rel = relative(root, file);
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
        return new Scan(root, true, units, problems, GitHead.commitOf(root));
    }

    /**
     * A cheap summary of the directory (paths, sizes, modification times, Git HEAD) that changes
     * whenever a file does; the watcher reloads when it changes.
     */
    public static String fingerprint(Path root) {
        if (!Files.isDirectory(root)) {
            return "absent";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : yamlFiles(root)) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                sha.update((relative(root, file) + '\u0000' + a.size() + '\u0000' + a.lastModifiedTime().toMillis()
                        + '\n').getBytes(StandardCharsets.UTF_8));
            }
            sha.update(GitHead.commitOf(root).orElse("").getBytes(StandardCharsets.UTF_8));
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
