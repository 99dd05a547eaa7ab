package dev.toolgate.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every SQL query of the Grafana dashboards runs against the real schema after the migrations,
 * with Grafana's macros and variables filled in — so a schema change that breaks a panel fails
 * here. (The PromQL of dashboards and alert rules is checked with promtool in .ci/run.)
 */
@MicronautTest
class DashboardQueriesTest {
    private static final Path DASHBOARDS = Path.of("..", "deploy", "grafana", "dashboards");

    @Inject
    DataSource dataSource;

    @Test
    void everyDashboardQueryRunsOnTheMigratedSchema() throws Exception {
        List<String> queries = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = new ObjectMapper().readTree(f.toFile());
                assertThat(dashboard.path("uid").asText()).as(f.toString()).isNotEmpty();
                dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> {
                    if (t.has("rawSql")) {
                        queries.add(t.path("rawSql").asText());
                    }
                }));
                dashboard.path("templating").path("list").forEach(v -> {
                    if (v.path("datasource").path("uid").asText().equals("toolgate-audit")) {
                        queries.add(v.path("query").asText());
                    }
                });
            }
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(6);
        try (Connection c = DelegatingDataSource.unwrapDataSource(dataSource).getConnection();
                Statement s = c.createStatement()) {
            for (String q : queries) {
                String sql = fill(q);
                try {
                    s.executeQuery(sql).close();
                } catch (SQLException e) {
                    throw new AssertionError("dashboard query fails on the schema: " + e.getMessage() + "\n" + sql, e);
                }
            }
        }
    }

    /** Grafana's PostgreSQL macros and the dashboards' variables, as Grafana would expand them. */
    private static String fill(String q) {
        return q.replaceAll("\\$__timeFilter\\(([a-z_]+)\\)", "$1 BETWEEN now() - interval '1 day' AND now()")
                .replaceAll("\\$__timeGroupAlias\\(([a-z_]+), '5m'\\)",
                        "to_timestamp(floor(extract(epoch from $1) / 300) * 300) AS \"time\"")
                .replace("$tenant", "demo").replace("$agent", "__all").replace("$tool", "__all")
                .replace("$decision", "__all");
    }
}
