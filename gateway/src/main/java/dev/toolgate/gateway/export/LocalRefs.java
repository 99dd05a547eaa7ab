package dev.toolgate.gateway.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a schema's local {@code $ref}s out in place, for providers whose schema subset has no
 * references (Gemini). A reference to a schema already being written out on the same path
 * (recursion) becomes a free-form object, and so does every reference once the output would pass
 * {@link #MAX_NODES}; both are noted. {@code $defs}/{@code definitions} are left out of the result.
 * Not thread-safe (holds the walk's state); one per schema.
 */
final class LocalRefs {
    /** About 4 MB of JSON: beyond it references are no longer written out. */
    static final int MAX_NODES = 200_000;

    private final JsonNode root;
    private final Notes notes;
    private final String provider;
    private final Deque<String> path = new ArrayDeque<>();
    private int nodes;

    private LocalRefs(JsonNode root, Notes notes, String provider) {
        this.root = root;
        this.notes = notes;
        this.provider = provider;
    }

    static JsonNode inline(JsonNode schema, Notes notes, String provider) {
        return new LocalRefs(schema, notes, provider).copy(schema, "", true);
    }

    private JsonNode copy(JsonNode node, String pointer, boolean atRoot) {
        nodes++;
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            for (JsonNode item : node) {
                out.add(copy(item, pointer + "/" + i++, false));
            }
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual()) {
            return resolve(ref.asText(), node, pointer);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (atRoot && (e.getKey().equals("$defs") || e.getKey().equals("definitions"))) {
                continue;
            }
            if (e.getKey().equals("properties") && e.getValue().isObject()) {
                ObjectNode props = out.putObject("properties");
                e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(),
                        copy(p.getValue(), pointer + "/properties/" + escape(p.getKey()), false)));
                continue;
            }
            out.set(e.getKey(), copy(e.getValue(), pointer + "/" + escape(e.getKey()), false));
        }
        return out;
    }

    private JsonNode resolve(String ref, JsonNode at, String pointer) {
        JsonNode target = null;
        if (ref.equals("#") || ref.startsWith("#/")) {
            try {
                target = root.at(ref.substring(1));
            } catch (IllegalArgumentException e) {
                target = null; // not a JSON Pointer: noted below as unresolved
            }
        }
        if (target == null || target.isMissingNode()) {
            notes.add(ExportNote.Kind.REWRITTEN, "\"$ref\" (" + ref + ")", pointer,
                    "the reference does not resolve inside the schema; written as a free-form object");
            return freeForm(at);
        }
        if (path.contains(ref)) {
            notes.add(ExportNote.Kind.REWRITTEN, "recursive \"$ref\" (" + ref + ")", pointer,
                    provider + " schemas have no references, so recursion stops here as a free-form object");
            return freeForm(at);
        }
        if (nodes > MAX_NODES) {
            notes.add(ExportNote.Kind.TRIMMED, "\"$ref\"", pointer, "writing references out passed "
                    + MAX_NODES + " schema nodes; the rest are free-form objects");
            return freeForm(at);
        }
        path.push(ref);
        try {
            JsonNode resolved = copy(target, pointer, false);
            if (resolved.isObject() && at.has("description") && !resolved.has("description")) {
                ((ObjectNode) resolved).set("description", at.get("description"));
            }
            return resolved;
        } finally {
            path.pop();
        }
    }

    private static JsonNode freeForm(JsonNode at) {
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("type", "object");
        if (at.has("description")) {
            out.set("description", at.get("description"));
        }
        return out;
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
