package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's strict mode (Structured Outputs, "Supported schemas"): a schema qualifies when its root
 * is an object, every object lists all its properties in {@code required} and has
 * {@code additionalProperties: false}, only the supported keywords appear, and the size limits
 * hold. Keywords outside the subset are dropped, {@code oneOf} becomes {@code anyOf} and objects
 * that leave {@code additionalProperties} open get {@code false} (what the gateway accepts is
 * unchanged: it validates against the full schema). What cannot be made strict without changing
 * which arguments the gateway accepts — optional properties, free-form maps, unconstrained
 * values — keeps the tool non-strict, with the reasons noted. Stateless apart from its walk.
 */
final class OpenAiStrictSchemas {
    static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "enum", "const", "anyOf", "description", "title", "$ref", "$defs", "definitions", "pattern", "format",
            "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "minItems", "maxItems");
    static final Set<String> FORMATS = Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4",
            "ipv6", "uuid");
    static final int MAX_PROPERTIES = 5_000;
    static final int MAX_NESTING = 10;
    static final int MAX_ENUM_VALUES = 1_000;
    static final int MAX_STRING_CHARS = 120_000;
    private static final Set<String> SILENT = Set.of("$schema", "$id", "$comment", "readOnly", "writeOnly",
            "deprecated", "examples", "example", "default");
    private static final int LISTED = 5;

    /** The strict schema, or why there is none. */
    record Result(JsonNode schema, boolean strict, List<String> reasons) {
    }

    private final Notes notes;
    private final Set<String> reasons = new LinkedHashSet<>();
    private final List<String> optional = new ArrayList<>();
    private int properties;
    private int enumValues;
    private long stringChars;

    private OpenAiStrictSchemas(Notes notes) {
        this.notes = notes;
    }

    /** @param notes receives the dropped/rewritten keywords, only when the result is strict */
    static Result convert(JsonNode inputSchema, Notes notes) {
        if (!inputSchema.isObject()) {
            return new Result(inputSchema, false, List.of("the root must be a plain object schema"));
        }
        Notes own = new Notes();
        OpenAiStrictSchemas walk = new OpenAiStrictSchemas(own);
        ObjectNode copy = inputSchema.deepCopy();
        if (!"object".equals(copy.path("type").asText()) || copy.has("anyOf") || copy.has("oneOf")) {
            walk.reasons.add("the root must be a plain object schema");
        }
        walk.walk(copy, "", 1);
        for (String defs : List.of("$defs", "definitions")) {
            if (copy.get(defs) instanceof ObjectNode d) {
                d.fields().forEachRemaining(e -> walk.walk(e.getValue(), "/" + defs + "/" + LocalRefs.escape(e.getKey()), 1));
            }
        }
        if (!walk.optional.isEmpty()) {
            walk.reasons.add("optional properties " + String.join(", ", walk.optional.subList(0,
                    Math.min(LISTED, walk.optional.size()))) + (walk.optional.size() > LISTED ? ", … ("
                    + walk.optional.size() + " in all)" : "") + " (strict mode requires every property in required)");
        }
        if (walk.properties > MAX_PROPERTIES) {
            walk.reasons.add(walk.properties + " object properties (at most " + MAX_PROPERTIES + ")");
        }
        if (walk.enumValues > MAX_ENUM_VALUES) {
            walk.reasons.add(walk.enumValues + " enum values (at most " + MAX_ENUM_VALUES + ")");
        }
        if (walk.stringChars > MAX_STRING_CHARS) {
            walk.reasons.add(walk.stringChars + " characters of property names and enum values (at most "
                    + MAX_STRING_CHARS + ")");
        }
        if (!walk.reasons.isEmpty()) {
            return new Result(inputSchema, false, List.copyOf(walk.reasons));
        }
        notes.addAll(own);
        return new Result(copy, true, List.of());
    }

    private void walk(JsonNode node, String at, int depth) {
        if (node.isBoolean() || (node.isObject() && node.isEmpty())) {
            reasons.add("an unconstrained value at " + (at.isEmpty() ? "/" : at));
            return;
        }
        if (!(node instanceof ObjectNode s)) {
            return;
        }
        if (s.has("oneOf")) {
            JsonNode oneOf = s.remove("oneOf");
            if (!s.has("anyOf")) {
                s.set("anyOf", oneOf);
                notes.add(ExportNote.Kind.REWRITTEN, "\"oneOf\"", at, "strict mode has anyOf only (the gateway still"
                        + " checks that exactly one matches)");
            }
        }
        if (s.has("nullable")) {
            boolean nullable = s.remove("nullable").asBoolean(false);
            if (nullable && s.get("type") != null && s.get("type").isTextual()) {
                String t = s.get("type").asText();
                s.putArray("type").add(t).add("null");
                notes.add(ExportNote.Kind.REWRITTEN, "\"nullable\"", at, "written as a type list with \"null\"");
            }
        }
        Set<String> keys = new HashSet<>();
        s.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (k.equals("format") && !FORMATS.contains(s.get(k).asText())) {
                notes.add(ExportNote.Kind.DROPPED, "\"format\" (" + s.get(k).asText() + ")", at + "/format",
                        "strict mode accepts the formats " + String.join(", ", new java.util.TreeSet<>(FORMATS)));
                s.remove(k);
            } else if (!KEYWORDS.contains(k)) {
                if (k.equals("allOf")) {
                    reasons.add("allOf at " + (at.isEmpty() ? "/" : at));
                } else if (!SILENT.contains(k) && !k.startsWith("x-")) {
                    notes.add(ExportNote.Kind.DROPPED, "\"" + k + "\"", at + "/" + LocalRefs.escape(k),
                            "not supported in strict mode");
                }
                s.remove(k);
            }
        }
        if (s.has("enum") && s.get("enum").isArray()) {
            enumValues += s.get("enum").size();
            s.get("enum").forEach(v -> stringChars += v.isTextual() ? v.asText().length() : 0);
        }
        if (s.has("const") && s.get("const").isTextual()) {
            stringChars += s.get("const").asText().length();
        }
        boolean object = typeIncludes(s, "object") || s.has("properties");
        if (object) {
            object(s, at, depth);
        }
        if (s.has("items")) {
            walk(s.get("items"), at + "/items", depth + 1);
        } else if (typeIncludes(s, "array")) {
            reasons.add("an array without items at " + (at.isEmpty() ? "/" : at));
        }
        if (s.get("anyOf") instanceof com.fasterxml.jackson.databind.node.ArrayNode any) {
            for (int i = 0; i < any.size(); i++) {
                walk(any.get(i), at + "/anyOf/" + i, depth);
            }
        }
        if (!object && !s.has("type") && !s.has("anyOf") && !s.has("$ref") && !s.has("enum") && !s.has("const")) {
            reasons.add("a value without a type at " + (at.isEmpty() ? "/" : at));
        }
    }

    private void object(ObjectNode s, String at, int depth) {
        if (depth > MAX_NESTING) {
            reasons.add("objects nested deeper than " + MAX_NESTING + " levels at " + at);
        }
        JsonNode additional = s.get("additionalProperties");
        JsonNode props = s.path("properties");
        if (additional != null && !(additional.isBoolean() && !additional.asBoolean())) {
            if (props.isEmpty()) {
                reasons.add("a free-form map at " + (at.isEmpty() ? "/" : at));
            } else {
                notes.add(ExportNote.Kind.REWRITTEN, "\"additionalProperties\"", at + "/additionalProperties",
                        "strict mode requires false; the model sends the named properties only");
            }
        } else if (additional == null && props.isEmpty() && !at.isEmpty()) {
            reasons.add("a free-form object at " + at);
        }
        s.put("additionalProperties", false);
        Set<String> required = new HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            properties++;
            stringChars += p.getKey().length();
            String here = at + "/properties/" + LocalRefs.escape(p.getKey());
            if (!required.contains(p.getKey())) {
                optional.add(here);
            }
            walk(p.getValue(), here, depth + 1);
        }
    }

    private static boolean typeIncludes(JsonNode s, String type) {
        JsonNode t = s.get("type");
        if (t == null) {
            return false;
        }
        if (t.isTextual()) {
            return t.asText().equals(type);
        }
        for (JsonNode x : t) {
            if (x.asText().equals(type)) {
                return true;
            }
        }
        return false;
    }
}
