package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Follows {@code $ref}s inside one document; never fetches anything. Besides JSON Pointers
 * ({@code #/components/schemas/Pet}), a reference may name a schema of the document by its
 * {@code $id} ({@code https://example.com/schemas/pet}, also relative to an enclosing {@code $id})
 * or {@code $anchor} ({@code #pet}), as OpenAPI 3.1 allows.
 */
final class RefResolver {
    private static final int MAX_HOPS = 32;
    private final JsonNode root;
    /** JSON Pointer (with '#') per $id / $anchor reference; built on the first reference that needs it. */
    private java.util.Map<String, String> identified;

    RefResolver(JsonNode root) {
        this.root = root;
    }

    /** The node itself, or what its chain of {@code $ref}s points at. */
    JsonNode deref(JsonNode node) {
        JsonNode current = node;
        Set<String> seen = new HashSet<>();
        for (int hops = 0; current != null && current.has("$ref") && current.get("$ref").isTextual(); hops++) {
            String ref = current.get("$ref").asText();
            if (hops >= MAX_HOPS || !seen.add(ref)) {
                throw new ImportProblem("$ref '" + OpenApiDocument.abbreviate(ref) + "' refers to itself in a loop");
            }
            current = target(ref);
        }
        return current;
    }

    /**
     * The JSON Pointer form of a reference to an {@code $id} or {@code $anchor} of the document;
     * any other reference unchanged.
     */
    String canonical(String ref) {
        if (ref.startsWith("#/") || ref.equals("#")) {
            return ref;
        }
        if (identified == null) {
            identified = new java.util.HashMap<>();
            index(root, "#", null);
        }
        String pointer = identified.get(ref);
        if (pointer == null && ref.endsWith("#")) {
            pointer = identified.get(ref.substring(0, ref.length() - 1));
        }
        return pointer == null ? ref : pointer;
    }

    private void index(JsonNode node, String pointer, java.net.URI base) {
        if (node.isObject()) {
            java.net.URI here = base;
            JsonNode id = node.get("$id");
            if (id != null && id.isTextual()) {
                try {
                    java.net.URI uri = base == null ? new java.net.URI(id.asText()) : base.resolve(id.asText());
                    identified.putIfAbsent(id.asText(), pointer);
                    identified.putIfAbsent(uri.toString(), pointer);
                    here = uri;
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    // not a URI: nothing can refer to it
                }
            }
            JsonNode anchor = node.get("$anchor");
            if (anchor != null && anchor.isTextual()) {
                identified.putIfAbsent("#" + anchor.asText(), pointer);
                if (here != null) {
                    identified.putIfAbsent(here + "#" + anchor.asText(), pointer);
                }
            }
            java.net.URI scope = here;
            node.fields().forEachRemaining(f -> index(f.getValue(), pointer + "/"
                    + f.getKey().replace("~", "~0").replace("/", "~1"), scope));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                index(node.get(i), pointer + "/" + i, base);
            }
        }
    }

    /** The node a local reference names. */
    JsonNode target(String ref) {
        ref = canonical(ref);
        if (!ref.startsWith("#")) {
            throw new ImportProblem("$ref '" + OpenApiDocument.abbreviate(ref)
                    + "' points outside the document; external references are not fetched (bundle the document first)");
        }
        JsonNode target;
        try {
            target = root.at(JsonPointer.compile(decode(ref.substring(1))));
        } catch (IllegalArgumentException e) {
            throw new ImportProblem("$ref '" + OpenApiDocument.abbreviate(ref) + "' is not a valid JSON Pointer");
        }
        if (target.isMissingNode()) {
            throw new ImportProblem("$ref '" + OpenApiDocument.abbreviate(ref) + "' points at nothing in the document");
        }
        return target;
    }

    /** Fragments may be percent-encoded (RFC 6901 section 6). */
    private static String decode(String fragment) {
        if (fragment.indexOf('%') < 0) {
            return fragment;
        }
        return java.net.URLDecoder.decode(fragment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
