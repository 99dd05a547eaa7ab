package dev.toolgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs {@code audit-writes} at a tiny size against the test database so it never rots; asserts the report's shape, never timings. */
class AuditWriteBenchSmokeTest {
    @Test
    void tinyRun_reportsBothWaysForEveryRound_andLeavesNoSchemaBehind(@TempDir Path out) throws Exception {
        String url = System.getenv().getOrDefault("TOOLGATE_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getenv().getOrDefault("TOOLGATE_TEST_DB_USER", "postgres");

        int exit = new CommandLine(new LoadHarness()).execute("--db-url", url, "--db-user", user, "--out", out.toString(),
                "audit-writes", "--rows", "10", "--batches", "3", "--rounds", "2");

        assertThat(exit).isZero();
        String report = Files.readString(out.resolve("audit-writes.md"));
        assertThat(report).contains("2 rounds of 3 batches of 10 rows each way").contains("| 1 | ").contains("| 2 | ");
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(url);
        ds.setUser(user);
        try (var c = ds.getConnection(); var rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'audit_bench_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the run's schema is dropped").isZero();
        }
    }
}
