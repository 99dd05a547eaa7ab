package dev.toolgate.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SpecificationVersion;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON Schema dialects a schema's {@code $schema} may name, and the meta-schemas bundled with
 * the validator (the only json-schema.org documents a schema may reference: nothing is fetched).
 * Pure functions.
 */
final class Dialects {
    static final String KNOWN = "https://json-schema.org/draft/2020-12/schema,"
            + " https://json-schema.org/draft/2019-09/schema, http://json-schema.org/draft-07/schema#,"
            + " http://json-schema.org/draft-06/schema# or http://json-schema.org/draft-04/schema#";

    private static final Set<String> BUNDLED = Set.of("draft-04/schema", "draft-06/schema", "draft-07/schema",
            "draft/2019-09/schema", "draft/2019-09/meta/applicator", "draft/2019-09/meta/content",
            "draft/2019-09/meta/core", "draft/2019-09/meta/format", "draft/2019-09/meta/meta-data",
            "draft/2019-09/meta/validation", "draft/2020-12/schema", "draft/2020-12/meta/applicator",
            "draft/2020-12/meta/content", "draft/2020-12/meta/core", "draft/2020-12/meta/format-annotation",
            "draft/2020-12/meta/format-assertion", "draft/2020-12/meta/meta-data", "draft/2020-12/meta/unevaluated",
            "draft/2020-12/meta/validation");

    private Dialects() {
    }

    /**
     * The dialect a {@code $schema} value names, written with {@code http} or {@code https} and
     * with or without an empty fragment ({@code #}).
     */
    static Optional<SpecificationVersion> of(String declared) {
        String path = metaSchemaPath(declared);
        if (path == null || declared.indexOf('#') >= 0 && !declared.endsWith("#")) {
            return Optional.empty();
        }
        for (SpecificationVersion v : SpecificationVersion.values()) {
            if (path.equals(metaSchemaPath(v.getDialectId()))) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code iri} (its fragment aside) is a meta-schema the validator has with it. */
    static boolean isBundledMetaSchema(String iri) {
        String path = metaSchemaPath(iri);
        return path != null && BUNDLED.contains(path);
    }

    /** The path under json-schema.org, without fragment; null for another host. */
    private static String metaSchemaPath(String iri) {
        String rest;
        if (iri.startsWith("https://json-schema.org/")) {
            rest = iri.substring("https://json-schema.org/".length());
        } else if (iri.startsWith("http://json-schema.org/")) {
            rest = iri.substring("http://json-schema.org/".length());
        } else {
            return null;
        }
        int hash = rest.indexOf('#');
        return hash < 0 ? rest : rest.substring(0, hash);
    }

    /** A {@code $schema} value for a message: quoted text, or what else it is. */
    static String describe(JsonNode declared) {
        if (declared != null && declared.isTextual()) {
            String text = declared.textValue();
            return "$schema '" + (text.length() <= 200 ? text : text.substring(0, 197) + "...") + "'";
        }
        return "$schema " + (declared == null ? "" : "of type " + declared.getNodeType().name().toLowerCase(
                java.util.Locale.ROOT));
    }
}
