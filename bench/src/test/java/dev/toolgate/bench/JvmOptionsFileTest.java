package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
