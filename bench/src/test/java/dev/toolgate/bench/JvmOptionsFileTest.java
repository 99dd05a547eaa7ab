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
    void aVersionWithoutAnOption_isRefusedWithItsLine() {
        assertThatThrownBy(() -> JvmOptionsFile.parse(List.of("-Xms64m", "22-:  # nothing"), 25))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    @Test
    void aPrefixThatIsNotAVersion_isRefusedWithItsLine_asTheLauncherDoes() {
        for (String bad : List.of("2x-:-Xmx1g", "22 -:-Xmx1g", "99999999999999999999-:-Xmx1g")) {
            assertThatThrownBy(() -> JvmOptionsFile.parse(List.of(bad), 25)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 1")
                    .hasMessageContaining("is not a JDK version");
        }
    }

    @Test
    void leadingZeros_crlfAndASecondMarkerInTheOption_areReadAsTheLauncherReadsThem() {
        assertThat(JvmOptionsFile.parse(List.of("022-:-Xa-:b\r", "-Xms64m\r"), 22)).containsExactly("-Xa-:b", "-Xms64m");
    }

    @Test
    void theShippedFile_addsItsNewerOptionsOnlyFromTheirJdk() throws Exception {
        List<String> shipped = Files.readAllLines(Path.of("..", "gateway", "jvm.options"));
        List<String> on21 = JvmOptionsFile.parse(shipped, 21);
        assertThat(on21).contains("-XX:+UseSerialGC", "-Xms64m", "-Xmx512m").noneMatch(o -> o.contains("-:"))
                .doesNotContain("-XX:TrimNativeHeapInterval=1000", "-XX:NewSize=48m");
        assertThat(JvmOptionsFile.parse(shipped, 25)).containsAll(on21)
                .contains("-XX:TrimNativeHeapInterval=1000", "-XX:NewSize=48m");
    }
}
