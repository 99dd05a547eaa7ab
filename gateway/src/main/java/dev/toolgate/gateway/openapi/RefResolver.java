package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/** Follows {@code $ref}s inside one document; never fetches anything. */
final class RefResolver {
    private static final int MAX_HOPS = 32;
    private final JsonNode root;

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

    /** The node a local reference names. */
    JsonNode target(String ref) {
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
