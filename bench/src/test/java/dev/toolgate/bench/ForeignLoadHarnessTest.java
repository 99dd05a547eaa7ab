package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The h2load harness at a tiny size, so it never rots; its parsers on fixed input. Never asserts a timing. */
class ForeignLoadHarnessTest {
    private static final Path GATEWAY_JAR = Path.of("../gateway/target/toolgate.jar").toAbsolutePath().normalize();

    @Test
    void parse_h2loadLog_countsNon200AndFailedStreamsAsErrors() {
        LatencyStats s = H2Load.parse(List.of(
                "1000000\t200\t150", "1000100\t200\t250", "1000200\t-1\t900", "1000300\t503\t10", "garbage"));

        assertThat(s.calls()).isEqualTo(2);
        assertThat(s.errors()).isEqualTo(2);
        assertThat(s.percentileMicros(0.5)).isEqualTo(150.0);
        assertThat(s.percentileMicros(0.99)).isEqualTo(250.0);
        assertThat(s.wallNanos()).isEqualTo(1_100_000L); // first start to the last end: 1000000 .. 1001100 µs
    }

    @Test
    void jitMeter_countsOnlyCompilerThreadsUserAndSystemTicks() {
        String c2 = "4242 (C2 CompilerThre) S 1 1 1 0 -1 1077936192 0 0 0 0 731 42 0 0 20 0 27 0 100 0 0";
        String loop = "4243 (toolgate-loop-1) R 1 1 1 0 -1 1077936192 0 0 0 0 900 100 0 0 20 0 27 0 100 0 0";
        String odd = "4244 (C1 CompilerThre) S 1 1 1 0 -1 1077936192 0 0 0 0 5 6 0 0 20 0 27 0 100 0 0";

        assertThat(JitMeter.compilerTicks(c2)).isEqualTo(773);
        assertThat(JitMeter.compilerTicks(loop)).isZero();
        assertThat(JitMeter.compilerTicks(odd)).isEqualTo(11);
        assertThat(JitMeter.compilerTicks("no comm here")).isZero();
    }

    @Test
    void jitMeter_readsThisJvmsCompilerThreads() {
        assumeThat(Path.of("/proc/self/task")).as("Linux /proc").isDirectory();
        JitMeter meter = JitMeter.of(ProcessHandle.current()).orElseThrow();

        assertThat(meter.cpu()).as("this JVM has compiled the test's code by now").isPositive();
    }

    @Test
    void switchMeter_addsVoluntaryAndInvoluntarySwitches() {
        String status = "Name:\ttoolgate-loop-1\nState:\tS (sleeping)\nvoluntary_ctxt_switches:\t1200\n"
                + "nonvoluntary_ctxt_switches:\t34\n";

        assertThat(SwitchMeter.switches(status)).isEqualTo(1234);
        assertThat(SwitchMeter.switches("Name:\tx\n")).isZero();
    }

    @Test
    void switchMeter_readsThisJvmsThreads() {
        assumeThat(Path.of("/proc/self/task")).as("Linux /proc").isDirectory();
        SwitchMeter meter = SwitchMeter.of(ProcessHandle.current()).orElseThrow();

        assertThat(meter.since(Map.of())).as("this JVM's threads have slept by now").isPositive();
        assertThat(meter.since(meter.sample())).as("never below zero").isNotNegative();
    }

    @Test
    void callCounts_readOnlyTheTenantsCallsByOutcome() {
        String metrics = """
                # TYPE toolgate_calls_total counter
                toolgate_calls_total{decision="allow",outcome="SUCCEEDED",tenant="t1",tool="echo.read"} 40.0
                toolgate_calls_total{decision="allow",outcome="SUCCEEDED",tenant="t1",tool="echo.write"} 2.0
                toolgate_calls_total{decision="deny",outcome="DENIED",tenant="t1",tool="echo.read"} 3.0
                toolgate_calls_total{decision="allow",outcome="SUCCEEDED",tenant="t2",tool="echo.read"} 7.0
                """;

        Map<String, Long> t1 = CallCounts.parse(metrics, "t1");

        assertThat(t1).containsExactlyInAnyOrderEntriesOf(Map.of("SUCCEEDED", 42L, "DENIED", 3L));
        assertThat(CallCounts.delta(Map.of("SUCCEEDED", 40L), t1)).isEqualTo(Map.of("SUCCEEDED", 2L, "DENIED", 3L));
    }

    @Test
    void run_tinySize_measuresBothPathsPostgresAndAColdStart(@TempDir Path out) throws Exception {
        assumeThat(Tools.find("h2load")).as("h2load (Debian nghttp2-client) is installed by .ci/run").isPresent();
        assumeThat(Tools.find("nginx")).as("nginx (Debian nginx-light) is installed by .ci/run").isPresent();
        assertThat(GATEWAY_JAR).as("the gateway module is packaged before this one").exists();

        int exit = new CommandLine(new LoadHarness()).execute("--gateway-jar", GATEWAY_JAR.toString(), "h2load",
                "--calls", "40", "--warmup-calls", "40", "--callers", "1,2", "--tools", "read,write", "--cold-seconds", "1",
                "--warmup-round-calls", "40", "--warmup-max-calls", "120", "--jit-quiet-percent", "0",
                "--gateway-class-archive", "off", "--out", out.toString(),
                "--db-url", System.getenv().getOrDefault("TOOLGATE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                "--db-user", System.getenv().getOrDefault("TOOLGATE_TEST_DB_USER", "postgres"));

        assertThat(exit).isZero();
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.path("errors").asInt()).isZero();
        assertThat(json.path("runs")).hasSize(4);
        JsonNode rounds = json.path("warmup_rounds");
        assertThat(rounds.size()).as("a cold gateway's JIT is busy: at least one extra round").isBetween(1, 2);
        assertThat(json.path("warmup_calls").asInt()).isEqualTo(40 + 40 * rounds.size());
        if (rounds.size() == 1) {
            assertThat(rounds.get(0).path("jit_cpu_percent").asDouble()).as("stopped early: the JIT was quiet").isZero();
        }
        for (JsonNode run : json.path("runs")) {
            assertThat(run.path("direct").path("calls").asInt()).isEqualTo(40);
            assertThat(run.path("gateway").path("calls").asInt()).isEqualTo(40);
            assertThat(run.path("gateway_outcomes").path("SUCCEEDED").asLong())
                    .as("the gateway's own count agrees: every call succeeded").isEqualTo(40);
            assertThat(run.path("gateway_cpu_us_per_call").asDouble()).isPositive();
            assertThat(run.has("postgres_cpu_us_per_call")).isTrue();
            assertThat(run.path("gateway_jit_cpu_percent").asDouble()).isBetween(0.0, 100.0);
            assertThat(run.path("gateway_context_switches_per_call").asDouble()).as("a call hands off between threads")
                    .isPositive();
        }
        assertThat(json.path("cold_start").path("seconds")).hasSize(1);
        assertThat(Files.readString(out.resolve("results.md"))).contains("| read-only | 1 |").contains("| side-effecting | 2 |")
                .contains("Cold start: a fresh gateway served after").contains("JIT % of gateway CPU")
                .contains("gateway context switches/call");
    }
}
