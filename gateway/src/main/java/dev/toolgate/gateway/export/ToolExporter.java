package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes tool definitions in a provider's format, named by their exported names so a model's
 * tool call can go straight back to {@code ExecuteTool}, and says per tool what had to change to
 * fit the provider's published rules. Stateless.
 */
public final class ToolExporter {
    /** Gemini: a letter or underscore first, then letters, digits, {@code _ . : -}; at most 64. */
    static final Pattern GEMINI_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}");

    private ToolExporter() {
    }

    /** The JSON array and the notes, in tool order. Immutable. */
    public record Export(String json, List<ExportNote> notes) {
        public Export {
            notes = List.copyOf(notes);
        }
    }

    /** A JSON array, one entry per tool, in the order given, without trimming. */
    public static String export(List<ToolDefinition> tools, ToolFormat format) {
        return export(tools.stream().map(ExportInput::of).toList(), format, false).json();
    }

    /**
     * @param trimLargeSchemas shorten input schemas over {@link SchemaTrimmer#MAX_SCHEMA_BYTES}
     */
    public static Export export(List<ExportInput> tools, ToolFormat format, boolean trimLargeSchemas) {
        ArrayNode out = JsonSupport.mapper().createArrayNode();
        List<ExportNote> notes = new ArrayList<>();
        for (ExportInput t : tools) {
            Notes n = new Notes();
            out.add(entry(t, format, trimLargeSchemas, n));
            notes.addAll(n.toNotes(t.exportName()));
        }
        return new Export(out.toString(), notes);
    }

    static ObjectNode entry(ExportInput t, ToolFormat format, boolean trim, Notes notes) {
        JsonNode schema = trim ? SchemaTrimmer.trim(t.inputSchema(), notes) : t.inputSchema();
        return switch (format) {
            case OPENAI -> openAi(t, rootObject(schema, notes), null);
            case OPENAI_STRICT -> openAiStrict(t, rootObject(schema, notes), notes);
            case ANTHROPIC -> anthropic(t, rootObject(schema, notes));
            case ANTHROPIC_DEFERRED -> anthropic(t, rootObject(schema, notes)).put("defer_loading", true);
            case GEMINI -> gemini(t, schema, notes);
            case MCP -> mcp(t, rootObject(schema, notes));
        };
    }

    private static ObjectNode openAi(ExportInput t, JsonNode parameters, Boolean strict) {
        ObjectNode function = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("description", t.description());
        function.set("parameters", parameters);
        if (strict != null) {
            function.put("strict", strict);
        }
        ObjectNode tool = JsonSupport.mapper().createObjectNode().put("type", "function");
        tool.set("function", function);
        return tool;
    }

    private static ObjectNode openAiStrict(ExportInput t, JsonNode schema, Notes notes) {
        OpenAiStrictSchemas.Result r = OpenAiStrictSchemas.convert(schema, notes);
        if (!r.strict()) {
            notes.add(ExportNote.Kind.NOT_STRICT, "", "", String.join("; ", r.reasons())
                    + " — exported with strict: false (the model may send arguments the gateway then refuses with"
                    + " a readable error)");
        }
        return openAi(t, r.schema(), r.strict());
    }

    private static ObjectNode anthropic(ExportInput t, JsonNode schema) {
        ObjectNode tool = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("description", t.description());
        tool.set("input_schema", schema);
        return tool;
    }

    private static ObjectNode gemini(ExportInput t, JsonNode schema, Notes notes) {
        if (!GEMINI_NAME.matcher(t.exportName()).matches()) {
            notes.add(ExportNote.Kind.REFUSED, "", "", "the name: Gemini function names start with a letter or an"
                    + " underscore; rename the integration to call this tool from Gemini");
        }
        ObjectNode tool = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("description", t.description());
        ObjectNode parameters = GeminiSchemas.parameters(schema, notes);
        if (parameters != null) {
            tool.set("parameters", parameters);
        }
        return tool;
    }

    private static ObjectNode mcp(ExportInput t, JsonNode schema) {
        ObjectNode tool = JsonSupport.mapper().createObjectNode()
                .put("name", t.exportName())
                .put("title", t.qualifiedName())
                .put("description", t.description());
        tool.set("inputSchema", schema);
        ToolAnnotations a = t.annotations();
        tool.putObject("annotations")
                .put("readOnlyHint", a.readOnly())
                .put("destructiveHint", a.destructive())
                .put("idempotentHint", a.idempotent())
                .put("openWorldHint", a.openWorld());
        return tool;
    }

    /** Every provider wants an object schema with {@code "type": "object"} at the root. */
    private static JsonNode rootObject(JsonNode schema, Notes notes) {
        if (schema.isObject() && "object".equals(schema.path("type").asText())) {
            return schema;
        }
        if (schema.isObject() && !schema.has("type")) {
            notes.add(ExportNote.Kind.REWRITTEN, "root without \"type\"", "", "providers require \"type\": \"object\""
                    + " at the root; added");
            ObjectNode copy = JsonNodeFactory.instance.objectNode().put("type", "object");
            schema.fields().forEachRemaining(e -> copy.set(e.getKey(), e.getValue()));
            return copy;
        }
        notes.add(ExportNote.Kind.REFUSED, "root schema", "", "providers require an object schema at the root");
        return schema;
    }
}
