package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Shortens an input schema that is too large for a model's context, in steps that each keep
 * more of what a model needs, stopping as soon as it fits: (1) descriptions, titles, examples and
 * defaults below the top-level parameters go; (2) references become free-form objects and the
 * shared definitions go; (3) nesting is cut, deepest first, nested schemas becoming free-form
 * values of their type. The top-level parameters, their types, descriptions and {@code required}
 * always stay. The gateway keeps validating calls against the full schema (GetTool shows it).
 * Stateless.
 */
public final class SchemaTrimmer {
    /** Input schemas larger than this (serialized, UTF-8) are too large for a model: 100 KiB. */
    public static final int MAX_SCHEMA_BYTES = 100 * 1024;
    private static final Set<String> PROSE = Set.of("description", "title", "examples", "example", "default");
    private static final Set<String> NESTING = Set.of("items", "additionalProperties", "not", "contains",
            "propertyNames", "if", "then", "else", "unevaluatedProperties", "unevaluatedItems");
    private static final Set<String> NESTING_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");
    private static final Set<String> NESTING_MAPS = Set.of("properties", "patternProperties", "dependentSchemas");
    private static final int MAX_KEPT_DEPTH = 8;

    private SchemaTrimmer() {
    }

    public static int bytes(JsonNode schema) {
        return schema.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    public static boolean tooLarge(String schemaJson) {
        return schemaJson.length() > MAX_SCHEMA_BYTES / 4
                && schemaJson.getBytes(StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES;
    }

    /** The schema itself when it fits, else a trimmed copy; each step taken is noted. */
    static JsonNode trim(JsonNode schema, Notes notes) {
        int before = bytes(schema);
        if (before <= MAX_SCHEMA_BYTES || !schema.isObject()) {
            return schema;
        }
        ObjectNode s = schema.deepCopy();
        stripProse(s, 0);
        String from = (before / 1024) + " KB";
        if (fits(s, notes, from, "descriptions, titles, examples and defaults below the top-level parameters")) {
            return s;
        }
        if (s.has("$defs") || s.has("definitions")) {
            s.remove("$defs");
            s.remove("definitions");
            dropRefs(s);
            if (fits(s, notes, from, "descriptions below the top level and every shared definition ($ref: now a"
                    + " free-form object)")) {
                return s;
            }
        }
        for (int depth = MAX_KEPT_DEPTH; depth >= 1; depth--) {
            ObjectNode cut = s.deepCopy();
            cutBelow(cut, 0, depth);
            if (bytes(cut) <= MAX_SCHEMA_BYTES || depth == 1) {
                if (!fits(cut, notes, from, "descriptions below the top level, shared definitions and nesting below"
                        + " level " + depth + " (nested schemas there are free-form values of their type)")) {
                    notes.add(ExportNote.Kind.TRIMMED, "", "", "input schema still " + bytes(cut) / 1024
                            + " KB after trimming to the top-level parameters; a provider may refuse it");
                }
                return cut;
            }
        }
        return s;
    }

    private static boolean fits(JsonNode s, Notes notes, String from, String what) {
        int now = bytes(s);
        if (now > MAX_SCHEMA_BYTES) {
            return false;
        }
        notes.add(ExportNote.Kind.TRIMMED, "", "", "input schema trimmed from " + from + " to " + (now / 1024)
                + " KB (over the " + MAX_SCHEMA_BYTES / 1024 + " KB a model takes): left out " + what
                + "; the gateway validates calls against the full schema (GetTool)");
        return true;
    }

    /** Removes prose below the top-level parameters (level 0 is the root, 1 its properties). */
    private static void stripProse(JsonNode node, int level) {
        if (node instanceof ArrayNode a) {
            a.forEach(x -> stripProse(x, level));
            return;
        }
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        if (level > 1) {
            o.remove(PROSE);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (NESTING_MAPS.contains(e.getKey()) || e.getKey().equals("$defs") || e.getKey().equals("definitions")) {
                e.getValue().forEach(x -> stripProse(x, level + 1));
            } else if (!PROSE.contains(e.getKey()) && !e.getKey().equals("enum") && !e.getKey().equals("const")) {
                stripProse(e.getValue(), level + 1);
            }
        }
    }

    private static void dropRefs(JsonNode node) {
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (isRef(a.get(i))) {
                    a.set(i, freeForm(a.get(i), "object"));
                } else {
                    dropRefs(a.get(i));
                }
            }
            return;
        }
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (isRef(e.getValue())) {
                e.setValue(freeForm(e.getValue(), "object"));
            } else {
                dropRefs(e.getValue());
            }
        }
    }

    private static boolean isRef(JsonNode n) {
        return n.isObject() && n.has("$ref");
    }

    /** Replaces every schema nested deeper than {@code keep} levels with a free-form value of its type. */
    private static void cutBelow(ObjectNode s, int level, int keep) {
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (NESTING_MAPS.contains(k) && v instanceof ObjectNode map) {
                map.fields().forEachRemaining(p -> p.setValue(cut(p.getValue(), level + 1, keep)));
            } else if (NESTING_LISTS.contains(k) && v instanceof ArrayNode list) {
                for (int i = 0; i < list.size(); i++) {
                    list.set(i, cut(list.get(i), level + 1, keep));
                }
            } else if (NESTING.contains(k) && v.isObject()) {
                e.setValue(cut(v, level + 1, keep));
            }
        }
    }

    private static JsonNode cut(JsonNode schema, int level, int keep) {
        if (!(schema instanceof ObjectNode o)) {
            return schema;
        }
        if (level > keep) {
            String type = o.path("type").isTextual() ? o.path("type").asText()
                    : o.has("properties") ? "object" : o.has("items") ? "array" : "";
            return freeForm(o, type);
        }
        cutBelow(o, level, keep);
        return o;
    }

    private static ObjectNode freeForm(JsonNode from, String type) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!type.isEmpty()) {
            out.put("type", type);
        }
        if (from.has("description") && from.get("description").isTextual()) {
            out.set("description", from.get("description"));
        }
        for (String keep : new String[] {"enum", "format"}) {
            if (from.has(keep) && !type.equals("object") && !type.equals("array")) {
                out.set(keep, from.get(keep));
            }
        }
        return out;
    }
}
