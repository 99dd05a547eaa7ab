package dev.toolgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.SqlToolSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SqlFileTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "sql", "crm.yaml");

    @Test
    void theExampleFileBecomesARequest() throws Exception {
        PutSqlIntegrationRequest r = SqlFile.read("demo", "crm", Files.readString(EXAMPLE));

        assertThat(r.getConnection().getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/toolgate_guide_sql");
        assertThat(r.getConnection().getPasswordSecret()).isEqualTo("crm_password");
        assertThat(r.getConnection().getDiscoverySchemasList()).containsExactly("crm");
        assertThat(r.getToolsList()).extracting(SqlToolSpec::getName)
                .containsExactly("find_customer", "upcoming_renewals", "add_note");
        SqlToolSpec find = r.getTools(0);
        assertThat(find.getMaxRows()).isEqualTo(1);
        assertThat(find.getTimeout().getSeconds()).isEqualTo(5);
        assertThat(find.getAllowWrites()).isFalse();
        assertThat(find.getParameters(0).getDescription()).isEqualTo("the customer's email address");
        // a date in an example stays the text its author wrote
        assertThat(r.getTools(1).getExamplesJson())
                .isEqualTo("[{\"until\":\"2027-01-31\"},{\"until\":\"2027-06-30\",\"plan\":\"enterprise\"}]");
        assertThat(r.getTools(1).getParameters(1).getNotRequired()).isTrue();
        SqlToolSpec note = r.getTools(2);
        assertThat(note.getAllowWrites()).isTrue();
        assertThat(note.getParameters(0).getType()).isEqualTo("integer"); // short form
    }

    @Test
    void mistakesNameTheirPlace() {
        assertThatThrownBy(() -> SqlFile.read("t", "i", "connection: {jdbc_url: x, user: u}\ntools:\n  - {name: a}"))
                .hasMessage("tools[0].description is required");
        assertThatThrownBy(() -> SqlFile.read("t", "i", "connection: {jdbc_url: x, usr: u}"))
                .hasMessageStartingWith("connection: unknown key 'usr'");
        assertThatThrownBy(() -> SqlFile.read("t", "i", "tools: []"))
                .hasMessage("the file: 'connection' is required");
        assertThatThrownBy(() -> SqlFile.read("t", "i", "connection: {jdbc_url: x, user: u}\ntools:\n"
                + "  - {name: a, description: d, sql: s, max_rows: many}"))
                .hasMessage("tools[0].max_rows must be a whole number");
        assertThatThrownBy(() -> SqlFile.read("t", "i", "connection: [\n")).hasMessageStartingWith("not valid YAML at line");
        assertThatThrownBy(() -> SqlFile.read("t", "i", "a: 1\na: 2")).hasMessageContaining("not valid YAML");
    }

    @Test
    void durationsTakeMillisecondsSecondsAndMinutes() {
        assertThat(SqlFile.duration("500ms", "x")).isEqualTo(Duration.ofMillis(500));
        assertThat(SqlFile.duration("5s", "x")).isEqualTo(Duration.ofSeconds(5));
        assertThat(SqlFile.duration("2m", "x")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> SqlFile.duration("soon", "tools[0].timeout"))
                .hasMessage("tools[0].timeout: 'soon' is not a duration such as 500ms, 5s or 2m");
    }
}
