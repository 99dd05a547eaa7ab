package dev.toolgate.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every regular expression of a schema — {@code pattern} values and
 * {@code patternProperties} keys, in every subschema — and reports each one {@link Re2Patterns}
 * refuses, located by a JSON Pointer into the schema. Only schema positions are visited, so a
 * property that happens to be named {@code pattern}, or a {@code default} holding one, is not
 * mistaken for a keyword. Stateless.
 */
final class SchemaPatterns {
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "$defs",
            "definitions", "dependentSchemas", "dependencies");
    private static final Set<String> SCHEMAS = Set.of("additionalProperties", "unevaluatedProperties", "items",
            "additionalItems", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else",
            "contentSchema");
    private static final Set<String> SCHEMA_ARRAYS = Set.of("allOf", "anyOf", "oneOf", "prefixItems", "items");

    private SchemaPatterns() {
    }

    /** Every refused pattern of {@code schema}; {@code field} prefixes each location. */
    static List<FieldViolation> problems(String field, JsonNode schema) {
        List<FieldViolation> out = new ArrayList<>();
        visit(field, "", schema, out, 0);
        return out;
    }

    private static void visit(String field, String pointer, JsonNode schema, List<FieldViolation> out, int depth) {
        if (!schema.isObject() || depth > 200) {
            return;
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            check(field, pointer + "/pattern", pattern.asText(), out);
        }
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            String at = pointer + "/" + escape(key);
            if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> members = value.fields();
                while (members.hasNext()) {
                    Map.Entry<String, JsonNode> m = members.next();
                    String memberAt = at + "/" + escape(m.getKey());
                    if ("patternProperties".equals(key)) {
                        check(field, memberAt, m.getKey(), out);
                    }
                    visit(field, memberAt, m.getValue(), out, depth + 1);
                }
            } else if (SCHEMA_ARRAYS.contains(key) && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    visit(field, at + "/" + i, value.get(i), out, depth + 1);
                }
            } else if (SCHEMAS.contains(key)) {
                visit(field, at, value, out, depth + 1);
            }
        }
    }

    private static void check(String field, String location, String pattern, List<FieldViolation> out) {
        Re2Patterns.problem(pattern).ifPresent(why -> out.add(new FieldViolation(field, field + location
                + ": pattern '" + Re2Patterns.abbreviate(pattern) + "' " + why)));
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
