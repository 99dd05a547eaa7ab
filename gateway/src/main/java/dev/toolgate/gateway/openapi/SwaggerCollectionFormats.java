package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries Swagger 2.0's {@code collectionFormat} of array parameters into the OpenAPI 3 tree
 * swagger-parser converted, which loses it for {@code tsv}, for headers and for every
 * {@code formData} parameter (their arrays would be sent as repeated keys). Query parameters get
 * the OpenAPI 3 {@code style}/{@code explode} ({@code csv} → form, not exploded; {@code ssv} →
 * spaceDelimited; {@code pipes} → pipeDelimited; {@code multi} → form, exploded) and
 * {@code formData} properties the same as their body {@code encoding}; {@code tsv}, which
 * OpenAPI 3 has no style for, is marked {@value #TSV_MARK}{@code : true}. Swagger 2.0's default is
 * {@code csv}. A non-{@code csv} format in a path or header (always comma-separated there) is
 * reported as a parser remark naming the operation.
 */
final class SwaggerCollectionFormats {
    /** Marks a converted parameter or form-body encoding as Swagger 2.0 {@code collectionFormat: tsv}. */
    static final String TSV_MARK = "x-toolgate-tsv";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch");

    private SwaggerCollectionFormats() {
    }

    /**
     * @param swagger the Swagger 2.0 document as written
     * @param converted the same document converted to OpenAPI 3, changed in place
     * @param remarks where formats that cannot be kept are reported
     */
    static void apply(JsonNode swagger, JsonNode converted, List<String> remarks) {
        Iterator<Map.Entry<String, JsonNode>> paths = swagger.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            JsonNode convertedItem = converted.path("paths").path(path.getKey());
            if (!convertedItem.isObject()) {
                continue;
            }
            Map<String, JsonNode> shared = arrays(swagger, path.getValue().path("parameters"));
            for (JsonNode p : convertedItem.path("parameters")) {
                mark(deref(converted, p, "#/components/parameters/"), shared);
            }
            for (String method : METHODS) {
                JsonNode op = path.getValue().path(method);
                JsonNode convertedOp = convertedItem.path(method);
                if (!op.isObject() || !convertedOp.isObject()) {
                    continue;
                }
                Map<String, JsonNode> all = new LinkedHashMap<>(shared);
                all.putAll(arrays(swagger, op.path("parameters")));
                for (JsonNode p : convertedOp.path("parameters")) {
                    mark(deref(converted, p, "#/components/parameters/"), all);
                }
                formData(converted, convertedOp, all);
                for (JsonNode raw : all.values()) {
                    String format = raw.path("collectionFormat").asText("csv");
                    String in = raw.path("in").asText();
                    if ((in.equals("path") || in.equals("header")) && !format.equals("csv")) {
                        remarks.add("attribute paths.'" + path.getKey() + "'(" + method + ").parameters."
                                + raw.path("name").asText() + " collectionFormat " + format
                                + " is not supported in a " + in + "; its items are sent comma-separated");
                    }
                }
            }
        }
    }

    /** The array parameters among {@code params}, by {@code in:name}. */
    private static Map<String, JsonNode> arrays(JsonNode swagger, JsonNode params) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode p : params) {
            JsonNode param = deref(swagger, p, "#/parameters/");
            if (param.path("type").asText().equals("array")) {
                out.put(param.path("in").asText() + ":" + param.path("name").asText(), param);
            }
        }
        return out;
    }

    private static JsonNode deref(JsonNode root, JsonNode node, String prefix) {
        String ref = node.path("$ref").asText("");
        if (ref.startsWith(prefix)) {
            return root.at(ref.substring(1));
        }
        return node;
    }

    private static void mark(JsonNode converted, Map<String, JsonNode> raw) {
        if (!(converted instanceof ObjectNode param) || !param.path("in").asText().equals("query")) {
            return;
        }
        JsonNode source = raw.get("query:" + param.path("name").asText());
        if (source != null) {
            setStyle(param, source.path("collectionFormat").asText("csv"));
        }
    }

    /** Swagger 2.0 form parameters became properties of the form body: give each array its encoding. */
    private static void formData(JsonNode converted, JsonNode convertedOp, Map<String, JsonNode> raw) {
        JsonNode body = deref(converted, convertedOp.path("requestBody"), "#/components/requestBodies/");
        Iterator<Map.Entry<String, JsonNode>> media = body.path("content").fields();
        while (media.hasNext()) {
            JsonNode content = media.next().getValue();
            if (!(content instanceof ObjectNode mediaType)) {
                continue;
            }
            for (JsonNode param : raw.values()) {
                if (param.path("in").asText().equals("formData")) {
                    JsonNode encodings = mediaType.path("encoding");
                    ObjectNode encoding = (encodings instanceof ObjectNode e ? e : mediaType.putObject("encoding"))
                            .putObject(param.path("name").asText());
                    setStyle(encoding, param.path("collectionFormat").asText("csv"));
                }
            }
        }
    }

    private static void setStyle(ObjectNode target, String collectionFormat) {
        target.remove(TSV_MARK);
        switch (collectionFormat) {
            case "multi" -> target.put("style", "form").put("explode", true);
            case "ssv" -> target.put("style", "spaceDelimited").put("explode", false);
            case "pipes" -> target.put("style", "pipeDelimited").put("explode", false);
            case "tsv" -> {
                target.put("style", "form").put("explode", false);
                target.put(TSV_MARK, true);
            }
            default -> target.put("style", "form").put("explode", false);
        }
    }
}
