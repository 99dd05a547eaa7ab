package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmOptionsFileTest {
    private static final List<String> FILE = List.of(
            "# the collector",
            "-XX:+UseSerialGC",
            "",
            "   -Xms64m   # start small",
            "22-:-XX:TrimNativeHeapInterval=1000",
            "25-: -XX:SomethingNewer # spaces after the colon are fine");

    @Test
    void optionsAreReadInOrder_withoutCommentsOrBlankLines() {
        assertThat(JvmOptionsFile.parse(FILE.subList(0, 4), 21)).containsExactly("-XX:+UseSerialGC", "-Xms64m");
    }

    @Test
    void aVersionedLine_appliesFromItsJdkOn() {
        assertThat(JvmOptionsFile.parse(FILE, 21)).containsExactly("-XX:+UseSerialGC", "-Xms64m");
        assertThat(JvmOptionsFile.parse(FILE, 22)).containsExactly("-XX:+UseSerialGC", "-Xms64m",
                "-XX:TrimNativeHeapInterval=1000");
        assertThat(JvmOptionsFile.parse(FILE, 25)).containsExactly("-XX:+UseSerialGC", "-Xms64m",
                "-XX:TrimNativeHeapInterval=1000", "-XX:SomethingNewer");
    }

    @Test
    void theFileIsSplitAtNewlinesOnly_asTheLaunchersReadDoes() {
        assertThat(JvmOptionsFile.lines("-Xa\n-Xb\n")).containsExactly("-Xa", "-Xb");
        assertThat(JvmOptionsFile.lines("-Xa\r\n-Xb\r-Xc")).containsExactly("-Xa\r", "-Xb\r-Xc");
        assertThat(JvmOptionsFile.lines("")).isEmpty();
        assertThat(JvmOptionsFile.parse(JvmOptionsFile.lines("-Xa\r\n\u3000-Xb\n"), 25)).containsExactly("-Xa", "\u3000-Xb");
    }

    @Test
    void aRangedLine_appliesOnItsJdksOnly() {
        List<String> file = List.of("-Xms64m", "25-25:-XX:OnlyOn25", "21-23: -XX:From21To23", "023-024:-XX:B:c");
        assertThat(JvmOptionsFile.parse(file, 21)).containsExactly("-Xms64m", "-XX:From21To23");
        assertThat(JvmOptionsFile.parse(file, 24)).containsExactly("-Xms64m", "-XX:B:c");
        assertThat(JvmOptionsFile.parse(file, 25)).containsExactly("-Xms64m", "-XX:OnlyOn25");
        assertThat(JvmOptionsFile.parse(file, 26)).containsExactly("-Xms64m");
    }

    @Test
    void anEmptyRange_isRefusedWithItsLine() {
        assertThatThrownBy(() -> JvmOptionsFile.parse(List.of("-Xms64m", "25-24:-XX:Never"), 25))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2")
                .hasMessageContaining("'25-24:' is an empty range");
    }

    @Test
    void aVersionWithoutAnOption_isRefusedWithItsLine() {
        assertThatThrownBy(() -> JvmOptionsFile.parse(List.of("-Xms64m", "22-:  # nothing"), 25))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    @Test
    void aPrefixThatIsNotAVersion_isRefusedWithItsLine_asTheLauncherDoes() {
        for (String bad : List.of("2x-:-Xmx1g", "22 -:-Xmx1g", "99999999999999999999-:-Xmx1g", "25:-Xmx1g",
                "25-2x:-Xmx1g", "25-25-26:-Xmx1g", "25-12345:-Xmx1g", "25", "25-")) {
            assertThatThrownBy(() -> JvmOptionsFile.parse(List.of(bad), 25)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1")
                    .hasMessageContaining("is not a JDK version");
        }
    }

    @Test
    void leadingZeros_crlfAndASecondMarkerInTheOption_areReadAsTheLauncherReadsThem() {
        assertThat(JvmOptionsFile.parse(List.of("022-:-Xa-:b\r", "-Xms64m\r"), 22)).containsExactly("-Xa-:b", "-Xms64m");
    }

    /** The launcher's own reading loop, cut out of {@code ./toolgate} and run by bash on one file for one JDK. */
    private static final String LAUNCHER_LOOP = """
            set -euo pipefail # as the launcher runs
            block=$(sed -n '/^      jdk_feature=\\$(toolgate_java_major/,/^      done < /p' "$1" | sed '1d' \\
              | sed 's#done < "$root/gateway/jvm.options"#done < "$2"#')
            [ -n "$block" ] || { echo "the launcher's loop was not found" >&2; exit 2; }
            jdk_feature=$3; server_opts=()
            eval "$block"
            for o in "${server_opts[@]}"; do printf '%s\\n' "$o"; done
            """;

    @Test
    void theLauncher_readsEveryLineAsThisParserDoes() throws Exception {
        List<List<String>> files = List.of(FILE,
                List.of("-Xms64m", "25-25:-XX:OnlyOn25", "21-23: -XX:From21To23", "023-024:-XX:B:c # c", "22-:-XX:T\r"),
                List.of("2x-:-Xmx1g"), List.of("22 -:-Xmx1g"), List.of("25:-Xmx1g"), List.of("25-2x:-Xmx1g"),
                List.of("25-25-26:-Xmx1g"), List.of("25-12345:-Xmx1g"), List.of("25"), List.of("25-"),
                List.of("25-24:-XX:N"), List.of("-Xms64m", "25-:  # nothing"), List.of("\uFF12\uFF15-:-Xa", "-Xb"),
                List.of("\t25-25:\t-XX:OnlyOn25 \t", "-Xmx1g\u3000", "\u3000-Xa", "-Xb\r-Xc", "\u000B-Xd\f"),
                Files.readAllLines(Path.of("..", "gateway", "jvm.options")));
        Path dir = Files.createTempDirectory("jvm-options");
        for (int f = 0; f < files.size(); f++) {
            // the last line without a newline, as an editor may leave it
            String content = String.join("\n", files.get(f));
            Path file = Files.writeString(dir.resolve("jvm.options." + f), content);
            for (int jdk : List.of(21, 24, 25, 26)) {
                ProcessBuilder bash = new ProcessBuilder("bash", "-c", LAUNCHER_LOOP, "loop",
                        Path.of("..", "toolgate").toAbsolutePath().toString(), file.toString(), Integer.toString(jdk))
                        .redirectErrorStream(true);
                bash.environment().put("LC_ALL", "C.UTF-8"); // where bash's [:space:] also knows Unicode blanks
                Process run = bash.start();
                String out = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int exit = run.waitFor();
                String as = files.get(f) + " on JDK " + jdk + ": " + out;
                try {
                    List<String> expected = JvmOptionsFile.parse(JvmOptionsFile.lines(content), jdk);
                    assertThat(exit).as(as).isZero();
                    assertThat(JvmOptionsFile.lines(out)).as(as).isEqualTo(expected);
                } catch (IllegalArgumentException refused) {
                    String why = refused.getMessage().substring(refused.getMessage().indexOf('\''));
                    assertThat(exit).as(as).isEqualTo(1);
                    assertThat(out).as(as).isEqualTo("toolgate: gateway/jvm.options: " + why + "\n");
                }
            }
        }
    }

    @Test
    void theShippedFile_addsItsNewerOptionsOnlyFromTheirJdk() throws Exception {
        List<String> shipped = Files.readAllLines(Path.of("..", "gateway", "jvm.options"));
        List<String> on21 = JvmOptionsFile.parse(shipped, 21);
        assertThat(on21).contains("-XX:+UseSerialGC", "-Xms64m", "-Xmx512m").noneMatch(o -> o.contains("-:"))
                .doesNotContain("-XX:TrimNativeHeapInterval=1000", "-XX:NewSize=48m");
        List<String> on25 = JvmOptionsFile.parse(shipped, 25);
        assertThat(on25).containsAll(on21).contains("-XX:TrimNativeHeapInterval=1000", "-XX:NewSize=48m")
                .containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:+AOTCompileEagerly");
        assertThat(JvmOptionsFile.parse(shipped, 26)).as("the JDK 25 experiment stays on 25")
                .contains("-XX:NewSize=48m").doesNotContain("-XX:+AOTCompileEagerly", "-XX:+UnlockExperimentalVMOptions");
    }
}
