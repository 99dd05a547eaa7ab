package dev.toolgate.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.gateway.catalog.McpBinding;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How an MCP server's tool list becomes tool specs: names, annotations, schemas, descriptions. */
class McpToolSpecsTest {
    private final McpToolSpecs specs = new McpToolSpecs(Duration.ofSeconds(30));

    private static McpSchema.Tool tool(String name, McpSchema.ToolAnnotations annotations) {
        return McpSchema.Tool.builder().name(name).description("d").inputSchema(Map.of("type", "object"))
                .annotations(annotations).build();
    }

    @Test
    void names_areFittedToToolgates_andTheServersNameIsKeptForTheCall() {
        assertThat(McpToolSpecs.name("get-sum")).isEqualTo("get-sum");
        assertThat(McpToolSpecs.name("Files.Read")).isEqualTo("files_read");
        assertThat(McpToolSpecs.name("__weird..name--")).isEqualTo("weird_name");
        assertThat(McpToolSpecs.name("ünïcode")).isEqualTo("n_code");
        assertThat(McpToolSpecs.name("x".repeat(100))).hasSize(63);

        Map<String, String> rejected = new LinkedHashMap<>();
        List<ToolSpec> out = specs.of("t", "srv", List.of(tool("Files.Read", null), tool("files_read", null),
                tool("...", null)), false, rejected);
        assertThat(out).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("files_read");
            assertThat(s.binding()).isEqualTo(new McpBinding("Files.Read"));
        });
        assertThat(rejected).containsOnlyKeys("files_read", "...");
        assertThat(rejected.get("files_read")).contains("like that of tool 'Files.Read'");
    }

    @Test
    void annotations_followMcpDefaults_whenTheServerIsTrusted() {
        assertThat(McpToolSpecs.annotations(null, true)).isEqualTo(new ToolAnnotations(false, true, false, true));
        assertThat(McpToolSpecs.annotations(new McpSchema.ToolAnnotations(null, true, null, null, false, null), true))
                .isEqualTo(new ToolAnnotations(true, false, false, false));
        assertThat(McpToolSpecs.annotations(new McpSchema.ToolAnnotations(null, false, false, true, null, null), true))
                .isEqualTo(new ToolAnnotations(false, false, true, true));
    }

    @Test
    void untrustedAnnotations_neverMakeAToolReadOnlyOrIdempotent() {
        assertThat(McpToolSpecs.annotations(new McpSchema.ToolAnnotations(null, true, null, true, false, null), false))
                .isEqualTo(new ToolAnnotations(false, false, false, false));
        assertThat(McpToolSpecs.annotations(new McpSchema.ToolAnnotations(null, false, true, null, null, null), false))
                .isEqualTo(new ToolAnnotations(false, true, false, true));
    }

    @Test
    void schemasKeepTheirDialect_andAMissingDescriptionOrSchemaGetsAUsableDefault() {
        McpSchema.Tool draft7 = McpSchema.Tool.builder().name("a").inputSchema(Map.of(
                "$schema", "http://json-schema.org/draft-07/schema#", "type", "object")).build();
        ToolSpec s = specs.of("t", "srv", List.of(draft7), false, new LinkedHashMap<>()).get(0);
        assertThat(s.inputSchemaJson()).contains("draft-07");
        assertThat(s.description()).contains("'a'").contains("no description");
        assertThat(s.outputSchemaJson()).isEmpty();
    }
}
