package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The providers' published rules for tool definitions, written down independently of the
 * exporter (docs/catalog.md#exports cites each source), as checks that list every violation of
 * one exported entry. An empty list means the provider's documented rules accept the entry.
 */
final class ProviderRules {
    /** OpenAI and Anthropic function names. */
    private static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    /** Gemini FunctionDeclaration.name. */
    private static final Pattern GEMINI_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$");
    /** MCP tool names (specification 2025-11-25, "Tool names"). */
    private static final Pattern MCP_NAME = Pattern.compile("^[A-Za-z0-9_.-]{1,128}$");

    /** Structured Outputs, "Supported schemas". */
    private static final Set<String> STRICT_KEYWORDS = Set.of("type", "properties", "required",
            "additionalProperties", "items", "enum", "const", "anyOf", "description", "title", "$ref", "$defs",
            "definitions", "pattern", "format", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
            "exclusiveMinimum", "minItems", "maxItems");
    private static final Set<String> STRICT_FORMATS = Set.of("date-time", "time", "date", "duration", "email",
            "hostname", "ipv4", "ipv6", "uuid");
    private static final Set<String> JSON_TYPES = Set.of("string", "number", "integer", "boolean", "object", "array",
            "null");

    /** Gemini API reference, Schema: its fields and its Type enum. */
    private static final Set<String> GEMINI_FIELDS = Set.of("type", "format", "title", "description", "nullable",
            "enum", "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength",
            "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
    private static final Set<String> GEMINI_TYPES = Set.of("STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY",
            "OBJECT", "NULL");
    private static final Map<String, Set<String>> GEMINI_FORMATS = Map.of("STRING", Set.of("enum", "date-time"),
            "NUMBER", Set.of("float", "double"), "INTEGER", Set.of("int32", "int64"));

    private ProviderRules() {
    }

    /** Chat Completions / Responses function tool (non-strict): name, and an object schema as parameters. */
    static List<String> openAi(JsonNode tool) {
        List<String> out = new ArrayList<>();
        expect(out, "function".equals(tool.path("type").asText()), "type must be \"function\"");
        JsonNode f = tool.path("function");
        expect(out, NAME.matcher(f.path("name").asText("")).matches(), "function.name must match " + NAME);
        expect(out, f.path("description").isTextual(), "function.description must be a string");
        expect(out, "object".equals(f.path("parameters").path("type").asText()),
                "function.parameters must be an object schema");
        return out;
    }

    /** Strict mode: as {@link #openAi}; when {@code strict} is true, the strict subset and its limits. */
    static List<String> openAiStrict(JsonNode tool) {
        List<String> out = openAi(tool);
        JsonNode f = tool.path("function");
        expect(out, f.path("strict").isBoolean(), "function.strict must be present");
        if (f.path("strict").asBoolean()) {
            JsonNode p = f.path("parameters");
            expect(out, !p.has("anyOf"), "the root must not be anyOf");
            int[] counts = new int[3]; // properties, enum values, string chars
            strictSchema(p, "", 1, out, counts);
            for (String defs : List.of("$defs", "definitions")) {
                p.path(defs).fields().forEachRemaining(e -> strictSchema(e.getValue(), "/" + defs + "/" + e.getKey(),
                        1, out, counts));
            }
            expect(out, counts[0] <= 5000, "at most 5000 object properties, but " + counts[0]);
            expect(out, counts[1] <= 1000, "at most 1000 enum values, but " + counts[1]);
            expect(out, counts[2] <= 120_000, "at most 120,000 characters of names and enum values, but " + counts[2]);
        }
        return out;
    }

    private static void strictSchema(JsonNode s, String at, int depth, List<String> out, int[] counts) {
        if (!s.isObject()) {
            out.add(at + ": a schema must be an object");
            return;
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            expect(out, STRICT_KEYWORDS.contains(k), at + ": keyword \"" + k + "\" is not supported in strict mode");
        }
        if (s.has("format")) {
            expect(out, STRICT_FORMATS.contains(s.get("format").asText()), at + ": format \"" + s.get("format").asText()
                    + "\" is not supported");
        }
        JsonNode type = s.get("type");
        List<String> types = new ArrayList<>();
        if (type != null) {
            if (type.isArray()) {
                type.forEach(t -> types.add(t.asText()));
            } else {
                types.add(type.asText());
            }
            types.forEach(t -> expect(out, JSON_TYPES.contains(t), at + ": unknown type " + t));
        } else {
            expect(out, s.has("anyOf") || s.has("$ref") || s.has("enum") || s.has("const"), at + ": no type");
        }
        s.path("enum").forEach(v -> {
            counts[1]++;
            counts[2] += v.isTextual() ? v.asText().length() : 0;
        });
        if (types.contains("object") || s.has("properties")) {
            expect(out, depth <= 10, at + ": nested deeper than 10 levels");
            expect(out, s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").asBoolean(),
                    (at.isEmpty() ? "/" : at) + ": additionalProperties must be false");
            Set<String> required = new HashSet<>();
            s.path("required").forEach(r -> required.add(r.asText()));
            s.path("properties").fields().forEachRemaining(p -> {
                counts[0]++;
                counts[2] += p.getKey().length();
                expect(out, required.contains(p.getKey()), at + "/properties/" + p.getKey() + ": must be required");
                strictSchema(p.getValue(), at + "/properties/" + p.getKey(), depth + 1, out, counts);
            });
        }
        if (types.contains("array")) {
            expect(out, s.has("items"), at + ": an array needs items");
        }
        if (s.has("items")) {
            strictSchema(s.get("items"), at + "/items", depth + 1, out, counts);
        }
        int i = 0;
        for (JsonNode branch : s.path("anyOf")) {
            strictSchema(branch, at + "/anyOf/" + i++, depth, out, counts);
        }
    }

    /** Messages API client tool: name, description, input_schema an object schema with type object. */
    static List<String> anthropic(JsonNode tool) {
        List<String> out = new ArrayList<>();
        expect(out, NAME.matcher(tool.path("name").asText("")).matches(), "name must match " + NAME);
        expect(out, tool.path("description").isTextual(), "description must be a string");
        expect(out, tool.path("input_schema").isObject() && "object".equals(tool.path("input_schema").path("type").asText()),
                "input_schema must be a JSON Schema with type \"object\"");
        for (Iterator<String> it = tool.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            expect(out, Set.of("name", "description", "input_schema", "defer_loading").contains(k), "unknown field " + k);
        }
        return out;
    }

    /** Tool search: every definition deferred. */
    static List<String> anthropicDeferred(JsonNode tool) {
        List<String> out = anthropic(tool);
        expect(out, tool.path("defer_loading").isBoolean() && tool.get("defer_loading").asBoolean(),
                "defer_loading must be true");
        return out;
    }

    /** FunctionDeclaration with parameters in Gemini's Schema subset. */
    static List<String> gemini(JsonNode tool) {
        List<String> out = new ArrayList<>();
        expect(out, GEMINI_NAME.matcher(tool.path("name").asText("")).matches(), "name must match " + GEMINI_NAME);
        for (Iterator<String> it = tool.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            expect(out, Set.of("name", "description", "parameters").contains(k), "unknown field " + k);
        }
        if (tool.has("parameters")) {
            expect(out, "OBJECT".equals(tool.get("parameters").path("type").asText()), "parameters must be an OBJECT");
            geminiSchema(tool.get("parameters"), "", out);
        }
        return out;
    }

    private static void geminiSchema(JsonNode s, String at, List<String> out) {
        if (!s.isObject()) {
            out.add(at + ": a schema must be an object");
            return;
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            expect(out, GEMINI_FIELDS.contains(k), at + ": \"" + k + "\" is not a field of Gemini's Schema");
        }
        String type = s.path("type").asText("");
        if (s.has("type")) {
            expect(out, s.get("type").isTextual() && GEMINI_TYPES.contains(type), at + ": type must be one of "
                    + GEMINI_TYPES + ", but was " + s.get("type"));
        } else {
            expect(out, s.has("anyOf"), at + ": type is required");
        }
        if (s.has("format")) {
            expect(out, GEMINI_FORMATS.getOrDefault(type, Set.of()).contains(s.get("format").asText()),
                    at + ": format " + s.get("format") + " is not accepted on " + type);
        }
        if (s.has("enum")) {
            expect(out, type.equals("STRING"), at + ": enum only on STRING");
            s.get("enum").forEach(v -> expect(out, v.isTextual(), at + ": enum values must be strings"));
        }
        if (s.has("nullable")) {
            expect(out, s.get("nullable").isBoolean(), at + ": nullable must be a boolean");
        }
        for (String n : List.of("minimum", "maximum")) {
            if (s.has(n)) {
                expect(out, s.get(n).isNumber(), at + ": " + n + " must be a number");
            }
        }
        for (String n : List.of("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties")) {
            if (s.has(n)) {
                expect(out, s.get(n).canConvertToLong(), at + ": " + n + " must be an integer");
            }
        }
        if (type.equals("OBJECT")) {
            expect(out, s.path("properties").isObject() && !s.get("properties").isEmpty(),
                    at + ": an OBJECT must have properties");
            Set<String> names = new HashSet<>();
            s.path("properties").fieldNames().forEachRemaining(names::add);
            s.path("required").forEach(r -> expect(out, names.contains(r.asText()), at + ": required \"" + r.asText()
                    + "\" is not a property"));
        }
        if (type.equals("ARRAY")) {
            expect(out, s.path("items").isObject(), at + ": an ARRAY must have items");
        }
        s.path("properties").fields().forEachRemaining(p -> geminiSchema(p.getValue(), at + "/properties/" + p.getKey(), out));
        if (s.has("items")) {
            geminiSchema(s.get("items"), at + "/items", out);
        }
        int i = 0;
        for (JsonNode branch : s.path("anyOf")) {
            geminiSchema(branch, at + "/anyOf/" + i++, out);
        }
    }

    /** MCP Tool: name, inputSchema an object schema, annotation hints booleans. */
    static List<String> mcp(JsonNode tool) {
        List<String> out = new ArrayList<>();
        expect(out, MCP_NAME.matcher(tool.path("name").asText("")).matches(), "name must match " + MCP_NAME);
        expect(out, "object".equals(tool.path("inputSchema").path("type").asText()),
                "inputSchema must have type \"object\"");
        tool.path("annotations").fields().forEachRemaining(e -> expect(out, e.getValue().isBoolean(),
                "annotations." + e.getKey() + " must be a boolean"));
        return out;
    }

    static List<String> check(ToolFormat format, JsonNode tool) {
        return switch (format) {
            case OPENAI -> openAi(tool);
            case OPENAI_STRICT -> openAiStrict(tool);
            case ANTHROPIC -> anthropic(tool);
            case ANTHROPIC_DEFERRED -> anthropicDeferred(tool);
            case GEMINI -> gemini(tool);
            case MCP -> mcp(tool);
        };
    }

    private static void expect(List<String> out, boolean ok, String violation) {
        if (!ok) {
            out.add(violation);
        }
    }
}
