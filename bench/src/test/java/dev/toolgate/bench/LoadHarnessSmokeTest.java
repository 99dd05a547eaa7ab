package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the harness at a tiny size so it never rots. Asserts the report's shape, never timings. */
class LoadHarnessSmokeTest {
    private static final Path GATEWAY_JAR = Path.of("../gateway/target/toolgate.jar").toAbsolutePath().normalize();

    @Test
    void run_tinySize_writesJsonAndMarkdownForEveryToolAndLevel(@TempDir Path out) throws Exception {
        assertThat(GATEWAY_JAR).as("the gateway module is packaged before this one").exists();
        BenchConfig config = new BenchConfig(40, 10, Duration.ofSeconds(20), List.of(1, 2), GATEWAY_JAR,
                System.getenv().getOrDefault("TOOLGATE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                System.getenv().getOrDefault("TOOLGATE_TEST_DB_USER", "postgres"), out, List.of(), List.of("read", "write"), Duration.ofSeconds(1),
                Optional.of(out.resolve("gateway.jsa")));

        LoadHarness.run(config);

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertThat(json.path("errors").asInt()).isZero();
        assertThat(json.path("runs")).hasSize(4);
        for (JsonNode run : json.path("runs")) {
            assertThat(run.path("direct").path("calls").asInt()).isEqualTo(40);
            assertThat(run.path("gateway").path("calls").asInt()).isEqualTo(40);
            assertThat(run.path("added_latency_us").has("p99.9")).isTrue();
            assertThat(run.path("gateway_cpu_us_per_call").asDouble()).isPositive();
        }
        assertThat(json.path("gateway_start_to_serving_ms").asLong()).isPositive();
        assertThat(json.path("gateway_class_archive").asText()).isEqualTo("created");
        assertThat(out.resolve("gateway.jsa")).as("the class-data archive is written as the gateway exits").isNotEmptyFile();
        assertThat(Files.readString(out.resolve("results.md")))
                .contains("| read-only | 1 |").contains("| side-effecting | 2 |");
    }

    @Test
    void classArchive_olderThanTheJar_isDeletedSoTheStartRemakesIt(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("gateway.jar"), "jar");
        Path archive = dir.resolve("gateway.jsa");
        assertThat(ClassArchive.prepare(Optional.empty(), jar)).isEqualTo("off");
        assertThat(ClassArchive.prepare(Optional.of(archive), jar)).isEqualTo("created");

        Files.writeString(archive, "classes");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() + 1_000));
        assertThat(ClassArchive.prepare(Optional.of(archive), jar)).isEqualTo("reused");
        assertThat(archive).exists();

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(archive).toMillis() + 1_000)); // the jar was rebuilt
        assertThat(ClassArchive.prepare(Optional.of(archive), jar)).isEqualTo("created");
        assertThat(archive).doesNotExist();
        assertThat(ClassArchive.choose("off", jar)).isEmpty();
        assertThat(ClassArchive.choose("", jar)).get().asString().contains("toolgate-serve-jdk")
                .endsWith(Runtime.version().feature() >= 25 ? ".aot" : ".jsa"); // as the launcher chooses
        assertThat(ClassArchive.jvmOptions(Optional.of(dir.resolve("x.aot")))).first().asString()
                .isEqualTo("-XX:AOTCacheOutput=" + dir.resolve("x.aot")); // none yet: written at exit
        Files.writeString(dir.resolve("x.aot"), "cache");
        assertThat(ClassArchive.jvmOptions(Optional.of(dir.resolve("x.aot")))).first().asString()
                .isEqualTo("-XX:AOTCache=" + dir.resolve("x.aot"));
    }

    @Test
    void importBench_exampleDocument_reportsFirstImportAndReimport(@TempDir Path out) throws Exception {
        LoadHarness parent = new LoadHarness();
        parent.gatewayJar = GATEWAY_JAR;
        parent.dbUrl = System.getenv().getOrDefault("TOOLGATE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        parent.dbUser = System.getenv().getOrDefault("TOOLGATE_TEST_DB_USER", "postgres");
        parent.outDir = out;
        ImportBench bench = new ImportBench();
        bench.parent = parent;
        bench.file = Path.of("../examples/openapi/support-desk.yaml");
        bench.heap = "256m";
        bench.repeat = 1;
        bench.idleAfter = java.time.Duration.ZERO;

        assertThat(bench.call()).isZero();

        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("import.json")));
        assertThat(json.path("imports")).hasSize(2);
        assertThat(json.path("imports").get(0).path("added").asInt()).isEqualTo(2);
        assertThat(json.path("imports").get(1).path("unchanged").asInt()).isEqualTo(2);
        assertThat(Files.readString(out.resolve("import.md"))).contains("| first |").contains("| again |");
    }

    @Test
    void config_outOfBounds_isRejectedWithTheValue() {
        assertThatThrownBy(() -> new BenchConfig(0, 0, Duration.ofSeconds(1), List.of(1), GATEWAY_JAR, "u", "p", GATEWAY_JAR, List.of(), List.of("read"), Duration.ZERO, Optional.empty()))
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> new BenchConfig(1, 0, Duration.ofSeconds(1), List.of(5000), GATEWAY_JAR, "u", "p", GATEWAY_JAR, List.of(), List.of("read"), Duration.ZERO, Optional.empty()))
                .hasMessageContaining("[5000]");
        assertThatThrownBy(() -> new BenchConfig(1, 0, Duration.ofHours(1), List.of(1), GATEWAY_JAR, "u", "p", GATEWAY_JAR, List.of(), List.of("read"), Duration.ZERO, Optional.empty()))
                .hasMessageContaining("PT1H");
        assertThatThrownBy(() -> new BenchConfig(1, 0, Duration.ofSeconds(1), List.of(1), GATEWAY_JAR, "u", "p", GATEWAY_JAR, List.of(), List.of("read", "delete"), Duration.ZERO, Optional.empty()))
                .hasMessageContaining("[read, delete]");
        assertThatThrownBy(() -> new BenchConfig(1, 0, Duration.ofSeconds(1), List.of(1), GATEWAY_JAR, "u", "p", GATEWAY_JAR, List.of(), List.of("read"), Duration.ofMinutes(6), Optional.empty()))
                .hasMessageContaining("PT6M");
    }

    @Test
    void latencyStats_percentiles_areNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000L;
        }
        LatencyStats s = LatencyStats.of(nanos, 100, 0, 1_000_000_000L);
        assertThat(s.percentileMicros(0.50)).isEqualTo(50.0);
        assertThat(s.percentileMicros(0.99)).isEqualTo(99.0);
        assertThat(s.percentileMicros(0.999)).isEqualTo(100.0);
        assertThat(s.throughput()).isEqualTo(100.0);
    }
}
