package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The part of a tool definition a model reads and an admin reviews: description, input schema,
 * output schema and annotations, as one canonical JSON object (object keys sorted) and its
 * SHA-256. Binding and timeout are not part of it. Immutable.
 */
public record PinnedDefinition(JsonNode json) {
    public PinnedDefinition {
        requireNonNull(json, "json");
    }

    public static PinnedDefinition of(String description, JsonNode inputSchema, String outputSchemaJson,
            String annotations) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("description", description);
        o.set("input_schema", inputSchema);
        o.set("output_schema", parseOrText(outputSchemaJson));
        ArrayNode a = o.putArray("annotations");
        if (!annotations.isEmpty()) {
            for (String part : annotations.split(",")) {
                a.add(part);
            }
        }
        return new PinnedDefinition(canonical(o));
    }

    /** The definition a stored version holds. */
    public static PinnedDefinition of(ToolVersionEntity v) {
        return of(v.description(), parseOrText(v.inputSchema()), v.outputSchema(), v.annotations());
    }

    /** Hex SHA-256 of the canonical JSON. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(json.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String description() {
        return json.path("description").asText();
    }

    private static JsonNode parseOrText(String text) {
        if (text.isEmpty()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return JsonSupport.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text);
        }
    }

    /** A copy with every object's keys in sorted order, so equal definitions print (and hash) alike. */
    static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            names.forEach(n -> sorted.set(n, canonical(node.get(n))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> copy.add(canonical(e)));
            return copy;
        }
        return node;
    }
}
