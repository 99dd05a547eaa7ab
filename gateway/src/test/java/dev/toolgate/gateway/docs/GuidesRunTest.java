package dev.toolgate.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.cli.ToolgateCli;
import dev.toolgate.gateway.support.Browser;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guides run as written. Every shell block marked {@code <!-- guide-test -->} (an HTML comment on
 * the line before its fence) in README.md and docs/{sql,openapi,mcp}.md is run with bash, in document
 * order, as one shell session per document ({@code set -e}: the first failing command ends it), against a
 * fresh {@code ./toolgate demo} started the way the README's Quick start block marked
 * {@code <!-- guide-test: demo -->} says. Each document's run must end in a successful tool call.
 *
 * <p>How it runs the blocks as a reader would: each document gets a temporary copy of the checkout's
 * {@code examples/} (so a guide may add policy files without touching the repository; {@code node_modules}
 * and {@code proto/} are linked, not copied) with a {@code ./toolgate} shim beside it that runs the CLI from this test's
 * classpath (no jar build, no class-data archive). The demo listens on free ports (set for the demo
 * process only); the blocks learn them, the keys and the upstream from {@code data/demo.env}, which the
 * demo writes and the guides load ({@code . data/demo.env}). The blocks' environment is the test's minus
 * every {@code TOOLGATE_*} variable, plus {@code PGHOST}/{@code PGPORT}/{@code PGUSER}/{@code PGPASSWORD}
 * of the suite's PostgreSQL ({@code TOOLGATE_TEST_DB_URL} …; the guides default them to 127.0.0.1:5432,
 * postgres) and {@code MCP_PORT} (a free port for the MCP reference server; the guides default it to
 * 3001). A failure names the document, the block (its first line number) and the output since the block
 * began. Background processes a guide starts ({@code &}) are ended with the session's process group.
 */
class GuidesRunTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MARKER = Pattern.compile("^<!-- guide-test(?::\\s*([a-z-]+))?\\s*-->\\s*$");
    private static final String BLOCK_MARK = "@@guide-block ";
    private static final String END_MARK = "@@guide-end";

    /** A shell block of a document: its text and the line its fence opens on. */
    record Block(String doc, int line, String kind, String text) {
    }

    static Stream<Arguments> guides() {
        return Stream.of(
                // README: "Calling it" and the admin sequence; ends calling a tool of the MCP reference server
                Arguments.of("README.md", "The sum of 2 and 3 is 5"),
                Arguments.of("docs/sql.md", "Ada Lovelace"),
                Arguments.of("docs/openapi.md", "\"case_id\":\"CASE-"),
                Arguments.of("docs/mcp.md", "The sum of 2 and 3 is 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guides")
    void theMarkedBlocks_runAsWritten_onAFreshDemo_andEndInASuccessfulCall(String doc, String lastCallShows,
            @TempDir Path tmp) throws Exception {
        List<Block> blocks = blocks(doc).stream().filter(b -> b.kind().isEmpty()).toList();
        assertThat(blocks).as(doc + " has no block marked <!-- guide-test -->").isNotEmpty();

        Path checkout = checkout(tmp.resolve("checkout"));
        Process demo = startDemo(checkout, tmp.resolve("demo.log"));
        try {
            Run run = runBlocks(checkout, tmp, blocks);
            String failure = run.failure(doc, blocks, demo, tmp.resolve("demo.log"));
            if (!failure.isEmpty()) {
                throw new AssertionError(failure);
            }
            String last = run.outputOf(blocks.size());
            assertThat(last).as(doc + ": the last block (line " + blocks.getLast().line()
                    + ") must end in a successful tool call showing '" + lastCallShows + "'; its output:\n" + last)
                    .contains(lastCallShows);
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The README's per-user block ({@code guide-test: user-account}) runs as written on a fresh demo,
     * with the real OpenID provider it starts. Its one step a person takes — opening the connect link
     * and signing in — is taken by a test {@link Browser} while the session waits at that comment line;
     * the calls before and after show the refusal, alice's own token reaching the upstream, bob refused,
     * and the CLI listing and deleting alice's connection.
     */
    @Test
    void theReadmesUserAccountBlock_runsAsWritten_withItsBrowserStepTakenByATestBrowser(@TempDir Path tmp)
            throws Exception {
        List<Block> marked = blocks("README.md").stream().filter(b -> b.kind().equals("user-account")).toList();
        assertThat(marked).as("README.md has one block marked <!-- guide-test: user-account -->").hasSize(1);
        Block block = marked.getFirst();
        List<String> lines = block.text().lines().toList();
        int step = 0;
        while (step < lines.size() && !lines.get(step).startsWith("# alice opens the connect_url")) {
            step++;
        }
        assertThat(step).as("the block says where alice opens the connect_url").isLessThan(lines.size());
        Path signedIn = tmp.resolve("signed-in");
        String text = String.join("\n", lines.subList(0, step)) + "\n"
                + "while [ ! -f " + quote(signedIn.toString()) + " ]; do sleep 0.2; done\n"
                + String.join("\n", lines.subList(step + 1, lines.size())) + "\n";
        List<Block> run = List.of(new Block(block.doc(), block.line(), "", text));

        Path checkout = checkout(tmp.resolve("checkout"));
        Process demo = startDemo(checkout, tmp.resolve("demo.log"));
        try {
            java.util.concurrent.CompletableFuture<Run> session = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return runBlocks(checkout, tmp, run);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            Pattern link = Pattern.compile("connect_url=(http\\S+)");
            Path log = tmp.resolve("guide.log");
            Matcher found = null;
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (found == null) {
                Matcher m = link.matcher(Files.exists(log) ? Files.readString(log) : "");
                if (m.find()) {
                    found = m;
                } else if (session.isDone() || System.nanoTime() > end) {
                    throw new AssertionError("the block printed no connect_url:\n" + (Files.exists(log)
                            ? Files.readString(log) : "") + "\n--- the demo ---\n"
                            + Files.readString(tmp.resolve("demo.log")));
                } else {
                    Thread.sleep(100); // polls the session's output (a child process: no event to wait on)
                }
            }
            Browser.Landing landing = new Browser("alice").open(java.net.URI.create(found.group(1)), "http://never/");
            assertThat(landing.status()).as(landing.body()).isEqualTo(200);
            assertThat(landing.body()).contains("Connected");
            Files.createFile(signedIn);

            Run done = session.get(5, TimeUnit.MINUTES);
            String failure = done.failure("README.md", run, demo, tmp.resolve("demo.log"));
            if (!failure.isEmpty()) {
                throw new AssertionError(failure);
            }
            String out = done.outputOf(1);
            assertThat(out).contains("\"sub\":\"alice\"", "disconnected from profile");
            assertThat(out.split("CONNECTION_REQUIRED", -1)).as(out).hasSize(3); // alice before, bob after
            assertThat(out).containsPattern("(?m)^profile  connected ");
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theQuickStart_startsTheDemo_withTheCommandThisTestRuns() throws IOException {
        List<Block> demo = blocks("README.md").stream().filter(b -> b.kind().equals("demo")).toList();
        assertThat(demo).hasSize(1);
        assertThat(demo.getFirst().text().strip().lines().toList()).containsExactly("./toolgate demo");
    }

    @Test
    void aBrokenCommand_failsTheRun_namingTheDocumentTheBlockAndItsOutput(@TempDir Path tmp) throws Exception {
        List<Block> blocks = List.of(new Block("broken.md", 3, "", "echo first"),
                new Block("broken.md", 9, "", "echo before\nls no-such-file-here\necho never"));
        Path checkout = checkout(tmp.resolve("checkout"));

        Run run = runBlocks(checkout, tmp, blocks);

        String failure = run.failure("broken.md", blocks, null, null);
        assertThat(failure).contains("broken.md failed (exit 2) in block 2 (line 9)", "ls no-such-file-here");
        String output = failure.substring(failure.indexOf("--- output of that block ---"));
        assertThat(output).contains("before", "no-such-file-here").doesNotContain("\nnever").doesNotContain("first");
    }

    /** The marked blocks of a document in order; {@code kind} is what follows {@code guide-test:}, or "". */
    static List<Block> blocks(String doc) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(doc), StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            int fence = i + 1;
            assertThat(fence < lines.size() && lines.get(fence).matches("```(sh|bash)\\s*"))
                    .as("%s:%d: a guide-test marker must be followed by a ```sh fence", doc, i + 1).isTrue();
            StringBuilder text = new StringBuilder();
            int j = fence + 1;
            for (; j < lines.size() && !lines.get(j).startsWith("```"); j++) {
                text.append(lines.get(j)).append('\n');
            }
            assertThat(text.toString()).as("%s:%d: a marked block holds no placeholder (…)", doc, fence + 1)
                    .doesNotContain("…").doesNotContain("...");
            blocks.add(new Block(doc, fence + 1, m.group(1) == null ? "" : m.group(1), text.toString()));
            i = j;
        }
        return blocks;
    }

    /** A copy of examples/ (node_modules linked) and a ./toolgate that runs the CLI from this classpath. */
    private static Path checkout(Path dir) throws IOException {
        Path examples = ROOT.resolve("examples");
        Files.walkFileTree(examples, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Path target = dir.resolve("examples").resolve(examples.relativize(d).toString());
                if (d.getFileName().toString().equals("node_modules")) {
                    Files.createSymbolicLink(target, d);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(target);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.copy(f, dir.resolve("examples").resolve(examples.relativize(f).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
        Files.createSymbolicLink(dir.resolve("proto"), ROOT.resolve("proto")); // the example clients read the .proto files
        Path shim = dir.resolve("toolgate");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(shim, "#!/usr/bin/env bash\n"
                + "# GuidesRunTest's ./toolgate: the CLI from the test classpath, without a build\n"
                + "exec " + quote(java) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "
                + quote(System.getProperty("java.class.path")) + " " + ToolgateCli.class.getName() + " \"$@\"\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** {@code ./toolgate demo} in the copy, on free ports; returns once data/demo.env is written. */
    private static Process startDemo(Path checkout, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("./toolgate", "demo").directory(checkout.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        readerEnvironment(pb.environment());
        pb.environment().put("TOOLGATE_GRPC_PORT", String.valueOf(Ports.free()));
        pb.environment().put("TOOLGATE_HTTP_PORT", String.valueOf(Ports.free()));
        pb.environment().put("TOOLGATE_MANAGEMENT_PORT", String.valueOf(Ports.free()));
        Process demo = pb.start();
        Path env = checkout.resolve("data/demo.env");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(env) || !Files.readString(log).contains("TOOLGATE_API_KEY=tg_")) {
            if (!demo.isAlive() || System.nanoTime() > end) {
                demo.destroyForcibly();
                throw new AssertionError("./toolgate demo did not come up:\n" + Files.readString(log));
            }
            Thread.sleep(20); // polls for the demo's output (a child process: no event to wait on)
        }
        return demo;
    }

    /** The blocks as one bash session in its own process group; everything it leaves running is ended. */
    private static Run runBlocks(Path checkout, Path tmp, List<Block> blocks) throws Exception {
        StringBuilder script = new StringBuilder("set -eo pipefail\n")
                .append("echo $$ > ").append(quote(tmp.resolve("session.pgid").toString())).append('\n')
                .append("trap 'echo \"@@guide-failed (exit $?): $BASH_COMMAND\"' ERR\n");
        for (int i = 0; i < blocks.size(); i++) {
            script.append("echo '").append(BLOCK_MARK).append(i + 1).append("'\n").append(blocks.get(i).text());
        }
        script.append("echo '").append(END_MARK).append("'\n");
        Path file = tmp.resolve("guide.sh");
        Files.writeString(file, script);
        Path log = tmp.resolve("guide.log");
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", file.toString()).directory(checkout.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        readerEnvironment(pb.environment());
        Process session = pb.start();
        boolean done = session.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            session.destroyForcibly();
        }
        Path pgid = tmp.resolve("session.pgid");
        if (Files.exists(pgid)) {
            new ProcessBuilder("kill", "-TERM", "--", "-" + Files.readString(pgid).strip())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
        return new Run(done ? session.exitValue() : -1, Files.readString(log));
    }

    /** The session's exit code and output, split at the block marks. */
    record Run(int exit, String output) {
        String outputOf(int block) {
            int from = output.indexOf(BLOCK_MARK + block + "\n");
            if (from < 0) {
                return "";
            }
            from += (BLOCK_MARK + block + "\n").length();
            int to = output.indexOf("\n@@guide-", from - 1);
            return to < 0 ? output.substring(from) : output.substring(from, to + 1);
        }

        /** "" when every block ran; else which block of which document failed, and its output. */
        String failure(String doc, List<Block> blocks, Process demo, Path demoLog) throws IOException {
            if (exit == 0 && output.contains(END_MARK)) {
                return "";
            }
            int block = 0;
            for (int i = blocks.size(); i >= 1; i--) {
                if (output.contains(BLOCK_MARK + i + "\n")) {
                    block = i;
                    break;
                }
            }
            String where = block == 0 ? "before its first block" : "in block " + block + " (line " + blocks.get(block - 1).line()
                    + "):\n" + blocks.get(block - 1).text();
            String from = block == 0 ? output : output.substring(output.indexOf(BLOCK_MARK + block + "\n"));
            return doc + " failed " + (exit == -1 ? "(timed out) " : "(exit " + exit + ") ") + where
                    + "\n--- output of that block ---\n" + from
                    + (demoLog == null ? "" : "\n--- the demo" + (demo != null && demo.isAlive() ? "" : " (exited)")
                    + " ---\n" + Files.readString(demoLog));
        }
    }

    /** The environment of a reader's shell: the test's, without TOOLGATE_*, with the PostgreSQL and MCP ports. */
    private static void readerEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("TOOLGATE_") || k.startsWith("PG"));
        env.put("PGHOST", TestDatabase.host());
        env.put("PGPORT", String.valueOf(TestDatabase.port()));
        env.put("PGUSER", TestDatabase.user());
        if (!TestDatabase.password().isEmpty()) {
            env.put("PGPASSWORD", TestDatabase.password());
        }
        env.putIfAbsent("MCP_PORT", String.valueOf(Ports.free()));
        env.putIfAbsent("IDP_PORT", String.valueOf(Ports.free())); // the OpenID provider of the user-account block
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
