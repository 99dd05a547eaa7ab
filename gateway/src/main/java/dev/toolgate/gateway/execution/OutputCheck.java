package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.validation.CompiledSchema;
import dev.toolgate.gateway.validation.SchemaCompiler;
import dev.toolgate.observability.CallStatus;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a successful answer against the tool's declared output schema. MCP requires structured
 * content to match the schema a tool declares (the official TypeScript client rejects the whole
 * result otherwise), and a client that generated types from the schema would misread it, so an
 * answer that does not fit — or was cut, or, from an MCP server, came without structured content —
 * is given as <em>text</em> with a warning instead: for an MCP tool its {@code CallToolResult}
 * without {@code structuredContent}, with a text block holding the structured answer and one with
 * the warning; for other tools {@code {"content_type", "text", "warning"}}. The call itself is not
 * changed (it ran; the audit row keeps the upstream's answer). Error answers are not checked: an
 * error body need not fit. Output schemas are compiled once per tool version; one that cannot be
 * compiled is not checked. Thread-safe.
 */
@Singleton
public class OutputCheck {
    private static final int MAX_LISTED = 5;
    private final SchemaCompiler compiler;
    private final Cache<String, Optional<CompiledSchema>> compiled = Caffeine.newBuilder().maximumSize(10_000).build();

    public OutputCheck(SchemaCompiler compiler) {
        this.compiler = requireNonNull(compiler, "compiler");
    }

    /** {@code result}, or — when its answer does not fit the tool's output schema — the answer as text with a warning. */
    public CallResult check(ToolDefinition tool, CallResult result) {
        if (tool.outputSchemaJson().isEmpty() || result.isError() || result.status() != CallStatus.SUCCEEDED
                || !result.outputWarning().isEmpty()) {
            return result;
        }
        Optional<CompiledSchema> schema = compiled.get(tool.tenantId() + '/' + tool.qualifiedName() + '@'
                + tool.version() + '#' + tool.outputSchemaJson().hashCode(), k -> compile(tool.outputSchemaJson()));
        if (schema.isEmpty()) {
            return result;
        }
        boolean mcp = tool.integration().kind().is(IntegrationKind.MCP);
        JsonNode body = parse(result.resultJson());
        List<String> problems = new ArrayList<>();
        if (result.truncated() || body == null) {
            problems.add("the answer was cut at the gateway's size limit (or is not JSON), so it cannot be checked");
        } else if (mcp && !body.has("structuredContent")) {
            problems.add("the MCP server sent no structuredContent");
        } else {
            for (FieldViolation v : schema.get().validate(mcp ? body.get("structuredContent") : body)) {
                problems.add((v.field().isEmpty() ? "(the whole answer)" : v.field()) + ": " + v.message());
            }
        }
        if (problems.isEmpty()) {
            return result;
        }
        String warning = warning(tool, problems);
        String text = mcp && body != null && body.path("content").isArray() && !result.truncated()
                ? mcpAsText((ObjectNode) body, warning) : wrapped(result.resultJson(), warning);
        return result.misfit(text, warning);
    }

    private Optional<CompiledSchema> compile(String json) {
        JsonNode schema = parse(json);
        return schema == null ? Optional.empty() : compiler.compileOutput(schema);
    }

    static String warning(ToolDefinition tool, List<String> problems) {
        StringBuilder b = new StringBuilder("Warning: the answer of tool '").append(tool.qualifiedName())
                .append("' does not match its declared output schema, so it is given as text, not as structured"
                        + " content. The call ran; read the answer above with care. Problems: ");
        for (int i = 0; i < Math.min(MAX_LISTED, problems.size()); i++) {
            b.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        if (problems.size() > MAX_LISTED) {
            b.append("; and ").append(problems.size() - MAX_LISTED).append(" more");
        }
        return b.toString();
    }

    /** The MCP result without structuredContent: its content, the structured answer as text (if no block had it), the warning. */
    private static String mcpAsText(ObjectNode result, String warning) {
        ObjectNode out = result.deepCopy();
        JsonNode structured = out.remove("structuredContent");
        ArrayNode content = (ArrayNode) out.get("content");
        if (structured != null && !structured.isNull()) {
            String serialized = structured.toString();
            boolean present = false;
            for (JsonNode block : content) {
                present |= "text".equals(block.path("type").asText()) && block.path("text").asText().equals(serialized);
            }
            if (!present) {
                content.addObject().put("type", "text").put("text", serialized);
            }
        }
        content.addObject().put("type", "text").put("text", warning);
        return out.toString();
    }

    private static String wrapped(String answer, String warning) {
        ObjectNode out = JsonSupport.mapper().createObjectNode();
        out.put("content_type", "application/json");
        out.put("text", answer);
        out.put("warning", warning);
        return out.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSupport.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
