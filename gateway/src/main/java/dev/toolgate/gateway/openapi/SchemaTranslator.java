package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns OpenAPI schemas into self-contained JSON Schema draft 2020-12 for one tool. A component
 * schema is inlined where it is first used; a recursive one, or one used again, becomes an
 * entry of {@code $defs} referenced as {@code #/$defs/Name}. OpenAPI 3.0 {@code nullable},
 * {@code example} and boolean {@code exclusiveMinimum/Maximum} become their 2020-12 forms;
 * {@code discriminator}, {@code xml}, {@code externalDocs} and extensions are dropped; in a
 * request, {@code readOnly} properties are dropped, in a response {@code writeOnly} ones.
 * One instance per tool schema; not thread-safe.
 */
final class SchemaTranslator {
    enum Direction { REQUEST, RESPONSE }

    private static final String COMPONENT_PREFIX = "#/components/schemas/";
    private static final int MAX_DEPTH = 64;
    private static final Set<String> DROPPED = Set.of("discriminator", "xml", "externalDocs", "nullable", "example",
            "$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$recursiveAnchor", "$recursiveRef",
            "$dynamicRef");
    private static final Set<String> SCHEMA_MAPS = Set.of("properties", "patternProperties", "dependentSchemas",
            "$defs", "definitions");
    private static final Set<String> SCHEMA_ARRAYS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_VALUES = Set.of("additionalProperties", "items", "not", "if", "then",
            "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems");

    private final RefResolver refs;
    private final boolean openApi31;
    private final Direction direction;
    private final Map<String, JsonNode> defs = new LinkedHashMap<>();
    private final Set<String> inlined = new HashSet<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Deque<String> pendingDefs = new ArrayDeque<>();
    private final int maxNodes;
    private int nodes;

    /** @param maxNodes the most schema objects one tool's schema may have; a larger one is refused early */
    SchemaTranslator(RefResolver refs, boolean openApi31, Direction direction, int maxNodes) {
        this.refs = refs;
        this.openApi31 = openApi31;
        this.direction = direction;
        this.maxNodes = maxNodes;
    }

    /** The 2020-12 form of {@code schema}; refs to component schemas may land in {@link #defs()}. */
    JsonNode translate(JsonNode schema) {
        return translate(schema, 0);
    }

    /** The {@code $defs} the translated schemas refer to, complete once all are translated. */
    ObjectNode defs() {
        while (!pendingDefs.isEmpty()) {
            String name = pendingDefs.pop();
            if (defs.get(name) == null) {
                stack.push(name);
                defs.put(name, translate(refs.target(COMPONENT_PREFIX + name), 1));
                stack.pop();
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        defs.forEach(out::set);
        return out;
    }

    /** The schema without the properties this direction drops, and with its required list fixed. */
    boolean isDropped(JsonNode property) {
        JsonNode p = property.has("$ref") ? safeDeref(property) : property;
        return switch (direction) {
            case REQUEST -> p.path("readOnly").asBoolean(false);
            case RESPONSE -> p.path("writeOnly").asBoolean(false);
        };
    }

    private JsonNode safeDeref(JsonNode node) {
        try {
            return refs.deref(node);
        } catch (ImportProblem e) {
            return node;
        }
    }

    private JsonNode translate(JsonNode schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ImportProblem("a schema is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (schema == null || schema.isBoolean()) {
            return schema == null ? JsonNodeFactory.instance.objectNode() : schema;
        }
        if (!schema.isObject()) {
            throw new ImportProblem("a schema is neither an object nor a boolean");
        }
        if (schema.has("$ref") && schema.get("$ref").isTextual()) {
            JsonNode replaced = reference(schema.get("$ref").asText(), depth);
            if (!openApi31 || schema.size() == 1) {
                return replaced; // OpenAPI 3.0 ignores siblings of $ref
            }
            ObjectNode siblings = translateObject((ObjectNode) schema, depth);
            siblings.remove("$ref");
            ArrayNode all = JsonNodeFactory.instance.arrayNode().add(replaced);
            if (!siblings.isEmpty()) {
                all.add(siblings);
            }
            return JsonNodeFactory.instance.objectNode().set("allOf", all);
        }
        return translateObject((ObjectNode) schema, depth);
    }

    private JsonNode reference(String ref, int depth) {
        ref = refs.canonical(ref); // $id and $anchor references become JSON Pointers
        if (ref.startsWith(COMPONENT_PREFIX) && ref.indexOf('/', COMPONENT_PREFIX.length()) < 0) {
            String name = ref.substring(COMPONENT_PREFIX.length());
            JsonNode target = refs.target(ref);
            if (stack.contains(name) || inlined.contains(name)) {
                if (!defs.containsKey(name)) {
                    defs.put(name, null);
                    pendingDefs.push(name);
                }
                return JsonNodeFactory.instance.objectNode().put("$ref", "#/$defs/" + escape(name));
            }
            inlined.add(name);
            stack.push(name);
            try {
                return translate(target, depth + 1);
            } finally {
                stack.pop();
            }
        }
        if (stack.contains(ref)) {
            throw new ImportProblem("$ref '" + OpenApiDocument.abbreviate(ref) + "' is recursive outside"
                    + " #/components/schemas, which cannot be expressed");
        }
        stack.push(ref);
        try {
            return translate(refs.target(ref), depth + 1);
        } finally {
            stack.pop();
        }
    }

    private ObjectNode translateObject(ObjectNode schema, int depth) {
        if (++nodes > maxNodes) {
            throw new ImportProblem("the schema has more than " + maxNodes + " subschemas");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> droppedProperties = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = f.getKey();
            JsonNode value = f.getValue();
            if (DROPPED.contains(key) || key.startsWith("x-") || key.equals("$ref")) {
                continue;
            }
            if (key.equals("properties") && value.isObject()) {
                ObjectNode props = out.putObject("properties");
                value.fields().forEachRemaining(p -> {
                    if (isDropped(p.getValue())) {
                        droppedProperties.add(p.getKey());
                    } else {
                        props.set(p.getKey(), translate(p.getValue(), depth + 1));
                    }
                });
            } else if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                ObjectNode map = out.putObject(key.equals("definitions") ? "$defs" : key);
                value.fields().forEachRemaining(p -> map.set(p.getKey(), translate(p.getValue(), depth + 1)));
            } else if (SCHEMA_ARRAYS.contains(key) && value.isArray()) {
                ArrayNode array = out.putArray(key);
                value.forEach(item -> array.add(translate(item, depth + 1)));
            } else if (key.equals("items") && value.isArray()) {
                ArrayNode array = out.putArray("prefixItems"); // draft 4 tuple form
                value.forEach(item -> array.add(translate(item, depth + 1)));
            } else if (SCHEMA_VALUES.contains(key) && (value.isObject() || value.isBoolean())) {
                out.set(key.equals("additionalItems") ? "items" : key, translate(value, depth + 1));
            } else if (key.equals("required")) {
                if (value.isArray()) { // each name once: 2020-12 wants unique items, and documents repeat some
                    ArrayNode names = out.putArray("required");
                    Set<JsonNode> seen = new HashSet<>();
                    value.forEach(r -> {
                        if (seen.add(r)) {
                            names.add(r.deepCopy());
                        }
                    });
                }
            } else if ((key.equals("exclusiveMinimum") || key.equals("exclusiveMaximum")) && value.isBoolean()) {
                String bound = key.equals("exclusiveMinimum") ? "minimum" : "maximum";
                if (value.booleanValue() && schema.path(bound).isNumber()) {
                    out.set(key, schema.get(bound));
                }
            } else if ((key.equals("minimum") || key.equals("maximum"))
                    && schema.path(key.equals("minimum") ? "exclusiveMinimum" : "exclusiveMaximum").asBoolean(false)) {
                continue; // became exclusiveMinimum/Maximum
            } else if (key.equals("examples") && !value.isArray()) {
                continue; // OpenAPI's map of example objects is not a JSON Schema keyword
            } else if (key.equals("type") && value.isTextual() && value.asText().equals("file")) {
                out.put("type", "string");
                out.put("contentEncoding", "binary");
            } else {
                out.set(key, value.deepCopy());
            }
        }
        if (!droppedProperties.isEmpty() && out.path("required").isArray()) {
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            out.get("required").forEach(r -> {
                if (!droppedProperties.contains(r.asText())) {
                    kept.add(r);
                }
            });
            out.set("required", kept);
        }
        if (schema.has("example") && !schema.has("examples")) {
            out.putArray("examples").add(schema.get("example").deepCopy());
        }
        if (!openApi31 && schema.path("nullable").asBoolean(false)) {
            return nullable(out);
        }
        return out;
    }

    /** OpenAPI 3.0 {@code nullable: true} as 2020-12: null joins the type (and the enum). */
    private static ObjectNode nullable(ObjectNode out) {
        JsonNode type = out.get("type");
        if (type != null && type.isTextual()) {
            out.putArray("type").add(type.asText()).add("null");
        } else if (type == null) {
            ObjectNode any = JsonNodeFactory.instance.objectNode();
            any.putArray("anyOf").add(out).addObject().put("type", "null");
            return any;
        }
        if (out.path("enum").isArray()) {
            boolean hasNull = false;
            for (JsonNode e : out.get("enum")) {
                hasNull |= e.isNull();
            }
            if (!hasNull) {
                ((ArrayNode) out.get("enum")).addNull();
            }
        }
        return out;
    }

    /** A JSON Pointer token in a URI fragment: ~ and / escaped, anything unusual percent-encoded. */
    private static String escape(String name) {
        String token = name.replace("~", "~0").replace("/", "~1");
        StringBuilder sb = new StringBuilder(token.length());
        for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }
}
