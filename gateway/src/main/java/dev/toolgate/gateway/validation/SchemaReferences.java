package dev.toolgate.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.error.FieldViolation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a schema's references ({@code $ref}, {@code $dynamicRef}, {@code $recursiveRef}) and
 * explains the validator's refusals of them, each located at the reference, as an admin can act
 * on: a reference must be a URI reference to a place inside the schema (or to a bundled
 * meta-schema). Pure functions.
 */
final class SchemaReferences {
    private static final List<String> KEYWORDS = List.of("$ref", "$dynamicRef", "$recursiveRef");
    private static final Pattern UNRESOLVED = Pattern.compile("Reference (.*) cannot be resolved");
    private static final Pattern NOT_LOADED = Pattern.compile("Schema from '(.*)' is not allowed to be loaded");
    private static final int MAX_DEPTH = 200;
    /** Keywords whose values are instances, not schemas: a "$ref" member there is data. */
    private static final List<String> DATA = List.of("enum", "const", "examples", "default", "example");

    private SchemaReferences() {
    }

    record Reference(String pointer, String value) {
    }

    /** A reference that is not a URI reference at all. */
    static List<FieldViolation> problems(String field, JsonNode schema) {
        List<FieldViolation> out = new ArrayList<>();
        for (Reference r : references(schema)) {
            try {
                new URI(r.value());
            } catch (URISyntaxException e) {
                String at = field + r.pointer();
                out.add(new FieldViolation(field, at + ": '" + abbreviate(r.value()) + "' is not a valid URI reference ("
                        + e.getReason() + "); a reference inside the schema looks like #/$defs/Name"));
            }
        }
        return out;
    }

    /** The validator's refusal to compile, told at the reference it names when it names one. */
    static FieldViolation explain(String field, JsonNode schema, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Matcher unresolved = UNRESOLVED.matcher(message);
        if (unresolved.find()) {
            Reference r = find(schema, unresolved.group(1));
            String at = field + (r == null ? "" : r.pointer());
            return new FieldViolation(field, at + ": '" + abbreviate(r == null ? unresolved.group(1) : r.value())
                    + "' points at nothing in this schema; refer to a subschema of it, e.g. #/$defs/Name");
        }
        Matcher notLoaded = NOT_LOADED.matcher(message);
        if (notLoaded.find()) {
            Reference r = find(schema, notLoaded.group(1));
            String at = field + (r == null ? "" : r.pointer());
            return new FieldViolation(field, at + ": '" + abbreviate(notLoaded.group(1)) + "' is outside this schema;"
                    + " references are never fetched: copy the schema under $defs and refer to it as #/$defs/Name");
        }
        return new FieldViolation(field, field + " cannot be compiled: " + abbreviate(message));
    }

    /** The first reference whose text contains {@code text} (the validator names a reference by a part of it). */
    private static Reference find(JsonNode schema, String text) {
        for (Reference r : references(schema)) {
            if (r.value().equals(text) || r.value().contains(text)) {
                return r;
            }
        }
        return null;
    }

    static List<Reference> references(JsonNode schema) {
        List<Reference> out = new ArrayList<>();
        collect(schema, "", out, 0);
        return out;
    }

    private static void collect(JsonNode node, String pointer, List<Reference> out, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String at = JsonPointers.member(pointer, member.getKey());
                if (KEYWORDS.contains(member.getKey()) && member.getValue().isTextual()) {
                    out.add(new Reference(at, member.getValue().textValue()));
                } else if (!DATA.contains(member.getKey())) {
                    collect(member.getValue(), at, out, depth + 1);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, out, depth + 1);
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
