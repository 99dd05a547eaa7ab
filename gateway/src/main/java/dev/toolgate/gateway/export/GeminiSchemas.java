package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Turns a JSON Schema into the subset of the OpenAPI 3.0 schema object that Gemini's
 * {@code FunctionDeclaration.parameters} accepts (Gemini API reference, {@code Schema}): upper-case
 * {@code type}s, {@code nullable} instead of {@code "null"} types, {@code anyOf} instead of
 * {@code oneOf}, no references, {@code format} only where Gemini lists it, {@code enum} only on
 * strings, every OBJECT with properties and every ARRAY with items. What cannot be said is dropped
 * or rewritten, and noted. Stateless apart from the notes it is given.
 */
final class GeminiSchemas {
    /** The fields of Gemini's {@code Schema}. */
    static final Set<String> KEYWORDS = Set.of("type", "format", "title", "description", "nullable", "enum",
            "maxItems", "minItems", "properties", "required", "minProperties", "maxProperties", "minLength",
            "maxLength", "pattern", "example", "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
    static final Map<String, Set<String>> FORMATS = Map.of("STRING", Set.of("enum", "date-time"),
            "NUMBER", Set.of("float", "double"), "INTEGER", Set.of("int32", "int64"));
    static final Set<String> TYPES = Set.of("STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL");
    /** Annotations whose loss changes nothing a model or the gateway relies on: not noted. */
    private static final Set<String> SILENT = Set.of("$schema", "$id", "$comment", "$anchor", "readOnly", "writeOnly",
            "deprecated", "xml", "externalDocs", "discriminator", "contentMediaType", "contentEncoding");
    private static final String GEMINI = "Gemini";

    private final Notes notes;

    private GeminiSchemas(Notes notes) {
        this.notes = notes;
    }

    /**
     * The {@code parameters} of a function declaration, or {@code null} when the tool takes no
     * parameters Gemini can express (the field is then left out, as Gemini's docs say).
     */
    static ObjectNode parameters(JsonNode inputSchema, Notes notes) {
        JsonNode inlined = LocalRefs.inline(inputSchema, notes, GEMINI);
        ObjectNode out = new GeminiSchemas(notes).convert(inlined, "");
        if (out == null || !"OBJECT".equals(out.path("type").asText()) || out.path("properties").isEmpty()) {
            return null;
        }
        return out;
    }

    /** The Gemini schema, or {@code null} when the value cannot be expressed and its property is dropped. */
    private ObjectNode convert(JsonNode node, String at) {
        if (node.isBoolean() || (node.isObject() && node.isEmpty())) {
            notes.add(ExportNote.Kind.REWRITTEN, "unconstrained value", at,
                    "Gemini needs a type; written as STRING (send the value as JSON text)");
            return JsonNodeFactory.instance.objectNode().put("type", "STRING");
        }
        if (!node.isObject()) {
            return null;
        }
        ObjectNode s = (ObjectNode) node.deepCopy();
        flattenAllOf(s, at);
        if (s.has("oneOf")) {
            notes.add(ExportNote.Kind.REWRITTEN, "\"oneOf\"", at, "Gemini has anyOf only (the gateway still checks"
                    + " that exactly one matches)");
            JsonNode oneOf = s.remove("oneOf");
            if (!s.has("anyOf")) {
                s.set("anyOf", oneOf);
            }
        }
        if (s.has("const")) {
            JsonNode c = s.remove("const");
            if (c.isTextual() && !s.has("enum")) {
                s.putArray("enum").add(c);
                notes.add(ExportNote.Kind.REWRITTEN, "\"const\"", at, "Gemini has no const; written as a one-value enum");
            } else {
                notes.add(ExportNote.Kind.DROPPED, "\"const\"", at, "Gemini has no const and enums of strings only");
            }
        }
        boolean nullable = s.path("nullable").asBoolean(false);
        List<String> types = new ArrayList<>();
        JsonNode type = s.get("type");
        if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else if (type != null && type.isTextual()) {
            types.add(type.asText());
        }
        if (types.remove("null") && !types.isEmpty()) {
            nullable = true;
        }
        if (types.size() > 1) {
            notes.add(ExportNote.Kind.REWRITTEN, "type list " + types, at, "Gemini takes one type; written as anyOf");
            ArrayNode any = JsonNodeFactory.instance.arrayNode();
            for (String t : types) {
                ObjectNode branch = s.deepCopy();
                branch.put("type", t);
                branch.remove("nullable");
                branch.remove("anyOf");
                ObjectNode c = convert(branch, at);
                if (c != null) {
                    any.add(c);
                }
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            copyText(s, out, "title");
            copyText(s, out, "description");
            out.set("anyOf", any);
            if (nullable) {
                out.put("nullable", true);
            }
            return any.isEmpty() ? null : out;
        }
        String t = types.isEmpty() ? inferType(s) : types.get(0).toUpperCase(Locale.ROOT);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (t != null) {
            if (!TYPES.contains(t)) {
                notes.add(ExportNote.Kind.REWRITTEN, "type \"" + types.get(0) + "\"", at, "not a Gemini type; written as STRING");
                t = "STRING";
            }
            out.put("type", t);
        }
        if (nullable) {
            out.put("nullable", true);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            String here = at + "/" + LocalRefs.escape(k);
            switch (k) {
                case "type", "nullable" -> {
                }
                case "title", "pattern" -> copyText(s, out, k);
                case "description" -> {
                    if (!out.has(k)) {
                        copyText(s, out, k);
                    }
                }
                case "default", "example" -> out.set(k, v);
                case "examples" -> {
                    if (v.isArray() && !v.isEmpty() && !s.has("example")) {
                        out.set("example", v.get(0));
                    }
                }
                case "minimum", "maximum" -> {
                    if (v.isNumber()) {
                        out.set(k, v);
                    }
                }
                case "exclusiveMinimum", "exclusiveMaximum" -> {
                    String bound = k.equals("exclusiveMinimum") ? "minimum" : "maximum";
                    if (v.isNumber() && !s.has(bound)) {
                        out.set(bound, v);
                        notes.add(ExportNote.Kind.REWRITTEN, "\"" + k + "\"", here, "Gemini has inclusive bounds only;"
                                + " written as " + bound + " (the gateway still checks the exclusive bound)");
                    } else if (!v.isBoolean()) {
                        notes.add(ExportNote.Kind.DROPPED, "\"" + k + "\"", here, "Gemini has inclusive bounds only");
                    }
                }
                case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties" -> {
                    if (v.canConvertToLong()) {
                        out.put(k, v.asLong());
                    }
                }
                case "format" -> {
                    if (t != null && FORMATS.getOrDefault(t, Set.of()).contains(v.asText())) {
                        out.set(k, v);
                    } else {
                        notes.add(ExportNote.Kind.DROPPED, "\"format\" (" + v.asText() + ")", here,
                                "Gemini accepts format only as enum/date-time on STRING, float/double on NUMBER,"
                                        + " int32/int64 on INTEGER");
                    }
                }
                case "enum" -> enumOf(v, t, s, out, here);
                case "items" -> {
                    if (v.isObject() || v.isBoolean()) {
                        ObjectNode items = convert(v, here);
                        if (items != null) {
                            out.set("items", items);
                        }
                    }
                }
                case "properties" -> properties(v, s, out, at);
                case "required", "anyOf" -> {
                }
                case "additionalProperties" -> {
                    if (!(v.isBoolean() && !v.asBoolean())) {
                        notes.add(ExportNote.Kind.DROPPED, "\"additionalProperties\"", here,
                                "Gemini objects have named properties only");
                    }
                }
                default -> {
                    if (!SILENT.contains(k) && !k.startsWith("x-")) {
                        notes.add(ExportNote.Kind.DROPPED, "\"" + k + "\"", here, "not in Gemini's schema subset");
                    }
                }
            }
        }
        if (s.has("anyOf") && s.get("anyOf").isArray()) {
            ArrayNode any = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (JsonNode branch : s.get("anyOf")) {
                String here = at + "/anyOf/" + i++;
                if ("null".equals(branch.path("type").asText(""))) {
                    out.put("nullable", true);
                    continue;
                }
                ObjectNode c = convert(branch, here);
                if (c != null) {
                    any.add(c);
                }
            }
            if (any.size() == 1 && !out.has("type")) {
                any.get(0).fields().forEachRemaining(e -> {
                    if (!out.has(e.getKey())) {
                        out.set(e.getKey(), e.getValue());
                    }
                });
            } else if (!any.isEmpty()) {
                out.set("anyOf", any);
            } else if (!out.has("type")) {
                return null;
            }
        }
        if (!out.has("type") && !out.has("anyOf")) {
            notes.add(ExportNote.Kind.REWRITTEN, "untyped value", at, "Gemini needs a type; written as STRING");
            out.put("type", "STRING");
        }
        return finish(out, at);
    }

    /** Gemini refuses an OBJECT without properties and an ARRAY without items. */
    private ObjectNode finish(ObjectNode out, String at) {
        String t = out.path("type").asText("");
        if (t.equals("OBJECT") && out.path("properties").isEmpty()) {
            if (at.isEmpty()) {
                return out;
            }
            notes.add(ExportNote.Kind.DROPPED, "free-form object", at,
                    "Gemini refuses an OBJECT without properties; the property is left out");
            return null;
        }
        if (t.equals("ARRAY") && !out.has("items")) {
            notes.add(ExportNote.Kind.DROPPED, "array of free-form values", at,
                    "Gemini refuses an ARRAY without (expressible) items; the property is left out");
            return null;
        }
        return out;
    }

    private void properties(JsonNode props, ObjectNode s, ObjectNode out, String at) {
        if (!props.isObject()) {
            return;
        }
        ObjectNode converted = JsonNodeFactory.instance.objectNode();
        props.fields().forEachRemaining(p -> {
            ObjectNode c = convert(p.getValue(), at + "/properties/" + LocalRefs.escape(p.getKey()));
            if (c != null) {
                converted.set(p.getKey(), c);
            }
        });
        if (converted.isEmpty()) {
            return;
        }
        out.set("properties", converted);
        ArrayNode required = JsonNodeFactory.instance.arrayNode();
        for (JsonNode r : s.path("required")) {
            if (converted.has(r.asText())) {
                required.add(r.asText());
            } else {
                notes.add(ExportNote.Kind.DROPPED, "required property \"" + r.asText() + "\"", at,
                        "it could not be expressed for Gemini; calls without it are refused by the gateway");
            }
        }
        if (!required.isEmpty()) {
            out.set("required", required);
        }
    }

    private void enumOf(JsonNode values, String type, ObjectNode s, ObjectNode out, String at) {
        if (!values.isArray()) {
            return;
        }
        boolean strings = true;
        StringJoiner all = new StringJoiner(", ");
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode v : values) {
            if (v.isTextual()) {
                kept.add(v);
            } else if (!v.isNull()) {
                strings = false;
            }
            all.add(v.isTextual() ? v.asText() : v.toString());
        }
        if (strings && "STRING".equals(type)) {
            out.set("enum", kept);
            return;
        }
        String description = s.path("description").asText("");
        out.put("description", (description.isEmpty() ? "" : description + " ") + "Allowed values: " + all + ".");
        notes.add(ExportNote.Kind.REWRITTEN, "\"enum\" of " + (type == null ? "untyped" : type) + " values", at,
                "Gemini takes enums of strings only; the values are listed in the description");
    }

    /** {@code allOf} of object schemas merged into one; anything else is dropped. */
    private void flattenAllOf(ObjectNode s, String at) {
        JsonNode allOf = s.remove("allOf");
        if (allOf == null || !allOf.isArray()) {
            return;
        }
        Set<String> required = new LinkedHashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        for (JsonNode part : allOf) {
            if (!part.isObject()) {
                continue;
            }
            part.fields().forEachRemaining(e -> {
                switch (e.getKey()) {
                    case "properties" -> {
                        ObjectNode props = s.has("properties") && s.get("properties").isObject()
                                ? (ObjectNode) s.get("properties") : s.putObject("properties");
                        e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), p.getValue()));
                    }
                    case "required" -> e.getValue().forEach(r -> required.add(r.asText()));
                    default -> {
                        if (!s.has(e.getKey())) {
                            s.set(e.getKey(), e.getValue());
                        }
                    }
                }
            });
        }
        if (!required.isEmpty()) {
            ArrayNode r = s.putArray("required");
            required.forEach(r::add);
        }
        notes.add(ExportNote.Kind.REWRITTEN, "\"allOf\"", at, "Gemini has no allOf; the parts are merged into one schema");
    }

    private static String inferType(ObjectNode s) {
        if (s.has("properties")) {
            return "OBJECT";
        }
        if (s.has("items")) {
            return "ARRAY";
        }
        if (s.has("enum") || s.has("pattern") || s.has("minLength") || s.has("maxLength")) {
            return "STRING";
        }
        if (s.has("minimum") || s.has("maximum")) {
            return "NUMBER";
        }
        return null;
    }

    private static void copyText(JsonNode from, ObjectNode to, String key) {
        JsonNode v = from.get(key);
        if (v != null && v.isTextual()) {
            to.set(key, v);
        }
    }
}
