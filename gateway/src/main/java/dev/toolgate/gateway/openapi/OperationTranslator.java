package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.BodyBinding;
import dev.toolgate.gateway.catalog.BoundValue;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.catalog.ParamStyle;
import dev.toolgate.gateway.catalog.SecurityRequirements;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One operation → one tool: merges path, query, header and cookie parameters with the request
 * body into one input schema, and records where each argument goes.
 *
 * <p>The body rule: a JSON or form body whose schema is a plain object (properties, no
 * {@code allOf/anyOf/oneOf} at the top, no property named like a parameter) is flattened: its
 * properties become top-level arguments. A required body's required properties are required; an
 * optional body's are required only once any of its properties is given ({@code dependentRequired}),
 * since without any no body is sent. Any other body is one argument, {@code body}
 * ({@code request_body} when a parameter is called body).
 */
final class OperationTranslator {
    static final int MAX_DESCRIPTION = 1024;
    private static final int MAX_OUTPUT_SCHEMA_CHARS = 128 * 1024;
    /** Input schemas past this many subschemas are not useful to a model (nor storable in 256 KiB). */
    private static final int MAX_INPUT_NODES = 10_000;
    private static final int MAX_OUTPUT_NODES = 2_000;
    private static final Set<String> GATEWAY_HEADERS = Set.of("accept", "content-type", "content-length", "user-agent",
            "host", "connection", "transfer-encoding", "cookie", "authorization", "proxy-authorization", "upgrade",
            "expect", "te", "trailer", "traceparent", "tracestate");

    private final RefResolver refs;
    private final boolean openApi31;
    private final Set<String> credentialParams;
    private final JsonNode rootSecurity;
    private final Map<String, BoundValue> bound;
    private final Set<String> boundUsed = new HashSet<>();

    /**
     * @param credentialParams {@code in:name} (lower case) of parameters that carry credentials
     *     the gateway injects, e.g. {@code header:x-api-key}
     * @param bound values the admin bound parameters (and flattened body properties) to, by
     *     parameter name (header names in any case)
     */
    OperationTranslator(RefResolver refs, boolean openApi31, Set<String> credentialParams, JsonNode rootSecurity,
            Map<String, BoundValue> bound) {
        this.refs = refs;
        this.openApi31 = openApi31;
        this.credentialParams = credentialParams;
        this.rootSecurity = rootSecurity;
        this.bound = bound;
    }

    /** The keys of {@code bound} that some translated operation used. */
    Set<String> boundUsed() {
        return Set.copyOf(boundUsed);
    }

    private BoundValue boundValue(ParamLocation location, String name) {
        BoundValue exact = bound.get(name);
        if (exact != null) {
            boundUsed.add(name);
            return exact;
        }
        if (location == ParamLocation.HEADER) {
            for (Map.Entry<String, BoundValue> e : bound.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    boundUsed.add(e.getKey());
                    return e.getValue();
                }
            }
        }
        return BoundValue.ARGUMENT;
    }

    ImportedTool translate(String name, String method, String path, JsonNode pathItem, JsonNode op,
            Consumer<String> warn) {
        String label = method + " " + path;
        SchemaTranslator schemas = new SchemaTranslator(refs, openApi31, SchemaTranslator.Direction.REQUEST,
                MAX_INPUT_NODES);
        ObjectNode properties = JsonNodeFactory.instance.objectNode();
        List<String> required = new ArrayList<>();
        List<ParamBinding> bindings = new ArrayList<>();
        Set<String> arguments = new HashSet<>();

        for (JsonNode param : parameters(pathItem, op)) {
            String in = param.path("in").asText();
            String pname = param.path("name").asText();
            ParamLocation location = switch (in) {
                case "path" -> ParamLocation.PATH;
                case "query" -> ParamLocation.QUERY;
                case "header" -> ParamLocation.HEADER;
                case "cookie" -> ParamLocation.COOKIE;
                default -> null;
            };
            if (location == null || pname.isEmpty()) {
                throw new ImportProblem("parameter '" + pname + "' has unsupported location '" + in + "'");
            }
            if (credentialParams.contains(in + ":" + pname.toLowerCase(Locale.ROOT))
                    || (location == ParamLocation.HEADER && pname.equalsIgnoreCase("authorization"))) {
                continue; // the credential is injected from a secret
            }
            if (location == ParamLocation.HEADER && GATEWAY_HEADERS.contains(pname.toLowerCase(Locale.ROOT))) {
                if (!pname.equalsIgnoreCase("accept") && !pname.equalsIgnoreCase("content-type")) {
                    warn.accept("header parameter '" + pname + "' is set by the gateway and left out");
                }
                continue;
            }
            boolean asJson = false;
            JsonNode schema = param.get("schema");
            if (schema == null && param.path("content").isObject() && param.get("content").size() > 0) {
                Map.Entry<String, JsonNode> media = param.get("content").fields().next();
                schema = media.getValue().get("schema");
                asJson = media.getKey().toLowerCase(Locale.ROOT).contains("json");
            }
            ParamStyle style = param.has("style") ? ParamStyle.fromOpenApi(param.path("style").asText())
                    .orElseThrow(() -> new ImportProblem("parameter '" + pname + "' has unknown style '"
                            + param.path("style").asText() + "'")) : ParamStyle.defaultFor(location);
            if (!style.allowedIn(location)) {
                throw new ImportProblem("parameter '" + pname + "' uses style " + style.openApiName() + " in " + in);
            }
            if (param.path(SwaggerCollectionFormats.TSV_MARK).asBoolean(false)) {
                style = ParamStyle.TAB_DELIMITED;
            }
            boolean explode = param.has("explode") ? param.path("explode").asBoolean() : style == ParamStyle.FORM;
            String argument = argumentName(ArgumentNames.of(pname, safeDeref(schema)), in, arguments);
            BoundValue value = boundValue(location, pname);
            ParamBinding binding = new ParamBinding(argument, location, pname, style, explode, asJson);
            if (location == ParamLocation.PATH && keepsReserved(param)) {
                binding = binding.keepingReserved(); // elsewhere reserved characters are encoded, which means the same
            }
            if (value.bound()) { // the admin gives the value: the model never sees the parameter
                bindings.add(binding.boundTo(value));
                continue;
            }
            ObjectNode property = asObject(schemas.translate(schema == null ? JsonNodeFactory.instance.objectNode() : schema));
            String doc = param.path("description").asText("").strip();
            if (ArgumentNames.hasOperator(pname)) { // the name the model sees is not the one sent
                doc = (doc.isEmpty() ? "" : doc + "\n\n") + "Sent as the " + in + " parameter '" + pname + "'.";
            }
            if (!doc.isEmpty()) {
                property = withDescription(property, doc);
            }
            if (param.path("deprecated").asBoolean(false)) {
                property.put("deprecated", true);
            }
            if (param.has("example") && !property.has("examples")) {
                property.putArray("examples").add(param.get("example").deepCopy());
            }
            properties.set(argument, property);
            if (location == ParamLocation.PATH || param.path("required").asBoolean(false)) {
                required.add(argument);
            }
            bindings.add(binding);
        }

        BodyBinding body = BodyBinding.NONE;
        JsonNode additional = JsonNodeFactory.instance.booleanNode(false);
        ObjectNode dependentRequired = null;
        JsonNode requestBody = op.has("requestBody") ? refs.deref(op.get("requestBody")) : null;
        if (requestBody != null && requestBody.path("content").isObject()) {
            boolean bodyRequired = requestBody.path("required").asBoolean(false);
            Map.Entry<String, JsonNode> media = pickBodyMedia(requestBody.get("content"));
            if (media == null) {
                List<String> types = new ArrayList<>();
                requestBody.get("content").fieldNames().forEachRemaining(types::add);
                String message = "request body only as " + String.join(", ", types)
                        + "; JSON and application/x-www-form-urlencoded bodies are supported";
                if (bodyRequired) {
                    throw new ImportProblem(message);
                }
                warn.accept(message + "; imported without a body");
            } else {
                BodyBinding.Encoding encoding = media.getKey().toLowerCase(Locale.ROOT)
                        .startsWith("application/x-www-form-urlencoded") ? BodyBinding.Encoding.FORM : BodyBinding.Encoding.JSON;
                String mediaType = BodyBinding.usableMediaType(encoding, media.getKey()) ? media.getKey()
                        : encoding.contentType(); // */*, application/*+json: plain JSON
                JsonNode rawSchema = media.getValue().has("schema") ? media.getValue().get("schema")
                        : JsonNodeFactory.instance.objectNode();
                JsonNode resolved = refs.deref(rawSchema);
                if (flattenable(resolved, arguments)) {
                    ObjectNode translated = asObject(schemas.translate(resolved));
                    JsonNode encodings = media.getValue().path("encoding");
                    translated.path("properties").fields().forEachRemaining(p -> {
                        BoundValue value = boundValue(ParamLocation.BODY, p.getKey());
                        if (!value.bound()) {
                            properties.set(p.getKey(), p.getValue());
                        }
                        arguments.add(p.getKey());
                        JsonNode enc = encodings.path(p.getKey());
                        ParamStyle style = enc.path(SwaggerCollectionFormats.TSV_MARK).asBoolean(false)
                                ? ParamStyle.TAB_DELIMITED : ParamStyle.fromOpenApi(enc.path("style").asText("form"))
                                .filter(s -> s.allowedIn(ParamLocation.BODY)).orElse(ParamStyle.FORM);
                        bindings.add(new ParamBinding(p.getKey(), ParamLocation.BODY, p.getKey(), style,
                                enc.path("explode").asBoolean(true), false).boundTo(value));
                    });
                    List<String> bodyRequiredNames = new ArrayList<>();
                    translated.path("required").forEach(r -> {
                        if (properties.has(r.asText())) {
                            bodyRequiredNames.add(r.asText());
                        }
                    });
                    boolean alwaysSent = bodyRequired || bindings.stream()
                            .anyMatch(b -> b.location() == ParamLocation.BODY && b.bound().bound());
                    if (alwaysSent) {
                        required.addAll(bodyRequiredNames);
                    } else {
                        dependentRequired = whenAnyIsGiven(translated.path("properties"), properties, bodyRequiredNames);
                    }
                    if (resolved.has("additionalProperties")) {
                        additional = translated.get("additionalProperties");
                    }
                    body = new BodyBinding(encoding, "", mediaType);
                } else {
                    String argument = arguments.contains("body") ? "request_body" : "body";
                    if (arguments.contains(argument)) {
                        throw new ImportProblem("parameters named body and request_body leave no name for the body");
                    }
                    ObjectNode property = asObject(schemas.translate(rawSchema));
                    String doc = requestBody.path("description").asText("").strip();
                    if (!doc.isEmpty()) {
                        property = withDescription(property, doc);
                    }
                    properties.set(argument, property);
                    arguments.add(argument);
                    if (bodyRequired) {
                        required.add(argument);
                    }
                    body = new BodyBinding(encoding, argument, mediaType);
                }
            }
        }

        ObjectNode input = JsonNodeFactory.instance.objectNode();
        input.put("type", "object");
        input.set("properties", properties);
        if (!required.isEmpty()) {
            ArrayNode req = input.putArray("required");
            required.stream().distinct().forEach(req::add);
        }
        input.set("additionalProperties", additional);
        if (dependentRequired != null && !dependentRequired.isEmpty()) {
            input.set("dependentRequired", dependentRequired);
        }
        ObjectNode defs = schemas.defs();
        if (!defs.isEmpty()) {
            input.set("$defs", defs);
        }

        // some documents tell operations apart with a fragment (/files/{id}#share), never sent
        String requestPath = path.indexOf('#') < 0 ? path : path.substring(0, path.indexOf('#'));
        HttpBinding binding = new HttpBinding(method, requestPath, bindings, body, security(op), accept(op));
        List<FieldViolation> problems = binding.check();
        if (!problems.isEmpty()) {
            throw new ImportProblem(Identifiers.summary(problems));
        }
        return new ImportedTool(name, label, description(method, path, op), input, outputSchema(op, warn),
                annotations(method, op), binding, op.path("x-toolgate-compensation"), tags(op),
                op.path("summary").asText("").strip());
    }

    /** The operation's {@code tags} (strings only; ones that cannot be tool tags are left out). */
    private static dev.toolgate.gateway.catalog.ToolTags tags(JsonNode op) {
        List<String> tags = new java.util.ArrayList<>();
        op.path("tags").forEach(t -> {
            if (t.isTextual()) {
                tags.add(t.asText());
            }
        });
        return dev.toolgate.gateway.catalog.ToolTags.lenient(tags);
    }

    /** Path-level parameters overridden by operation-level ones with the same name and location. */
    private List<JsonNode> parameters(JsonNode pathItem, JsonNode op) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode source : List.of(pathItem.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode param = refs.deref(p);
                byKey.put(param.path("in").asText() + ":" + param.path("name").asText(), param);
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** Extensions tools and vendors use for "send this value unencoded" besides OpenAPI's own {@code allowReserved}. */
    static final List<String> RESERVED_HINTS = List.of("allowReserved", "x-allow-reserved", "x-allowReserved",
            "x-ms-skip-url-encoding");

    /** Whether the document asks for the parameter's value to be sent with its reserved characters. */
    private static boolean keepsReserved(JsonNode param) {
        for (String hint : RESERVED_HINTS) {
            if (param.path(hint).asBoolean(false) || param.path("extensions").path(hint).asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    /** The schema a {@code $ref} names, for naming only: null when it cannot be followed (reported later). */
    private JsonNode safeDeref(JsonNode schema) {
        if (schema == null) {
            return null;
        }
        try {
            return refs.deref(schema);
        } catch (ImportProblem e) {
            return null;
        }
    }

    /** {@code base}, or when another argument has it, {@code base_<in>}, {@code base_<in>_2}, … */
    private static String argumentName(String base, String in, Set<String> taken) {
        String candidate = base;
        if (taken.contains(candidate)) {
            candidate = base + "_" + in;
        }
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = base + "_" + in + "_" + i;
        }
        taken.add(candidate);
        return candidate;
    }

    /**
     * The request body's media type: {@code application/json} when declared; otherwise the first
     * other JSON type ({@code …+json}) in the document's order, where
     * {@code application/json-patch+json} (an array of operations) yields to any other; then
     * {@code *}{@code /*}; then a form. Null when none is supported.
     */
    private static Map.Entry<String, JsonNode> pickBodyMedia(JsonNode content) {
        List<Map.Entry<String, JsonNode>> json = new ArrayList<>();
        Map.Entry<String, JsonNode> any = null;
        Map.Entry<String, JsonNode> form = null;
        Iterator<Map.Entry<String, JsonNode>> it = content.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = essence(e.getKey());
            if (type.equals("application/json")) {
                return e;
            }
            if (isJson(type)) {
                json.add(e);
            } else if (any == null && type.equals("*/*")) {
                any = e;
            } else if (form == null && type.equals("application/x-www-form-urlencoded")) {
                form = e;
            }
        }
        if (json.size() > 1) {
            json.sort(java.util.Comparator.comparing(e -> essence(e.getKey()).equals("application/json-patch+json")));
        }
        return !json.isEmpty() ? json.get(0) : any != null ? any : form;
    }

    /** The media type without parameters, lower case. */
    private static String essence(String mediaType) {
        int semicolon = mediaType.indexOf(';');
        return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String essence) {
        return essence.equals("application/json") || (essence.endsWith("+json") && !essence.contains("*"));
    }

    /**
     * An optional body's required properties as {@code dependentRequired}: when the model gives any
     * property of the body, the body is sent, so its required ones must be given too; when it gives
     * none, no body is sent and nothing is required. Only properties the model sees take part.
     */
    private static ObjectNode whenAnyIsGiven(JsonNode bodyProperties, ObjectNode visible, List<String> bodyRequired) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (bodyRequired.isEmpty()) {
            return out;
        }
        bodyProperties.fieldNames().forEachRemaining(p -> {
            if (!visible.has(p)) {
                return;
            }
            List<String> others = bodyRequired.stream().filter(r -> !r.equals(p)).distinct().toList();
            if (!others.isEmpty()) {
                ArrayNode names = out.putArray(p);
                others.forEach(names::add);
            }
        });
        return out;
    }

    private static boolean flattenable(JsonNode schema, Set<String> parameterArguments) {
        if (!schema.isObject() || !schema.path("properties").isObject() || schema.get("properties").isEmpty()) {
            return false;
        }
        if (schema.has("allOf") || schema.has("anyOf") || schema.has("oneOf") || schema.has("not")) {
            return false;
        }
        JsonNode type = schema.get("type");
        if (type != null && !(type.isTextual() && type.asText().equals("object"))) {
            return false;
        }
        if (schema.path("nullable").asBoolean(false)) {
            return false;
        }
        Iterator<String> names = schema.get("properties").fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (parameterArguments.contains(n) || !ArgumentNames.ARGUMENT.matcher(n).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The operation's {@code security}, else the document's; an operation for which neither says
     * anything uses the integration's own credential (none unless the admin gave it one).
     */
    private SecurityRequirements security(JsonNode op) {
        JsonNode security = op.has("security") ? op.get("security") : rootSecurity;
        if (security == null || security.isNull()) {
            return SecurityRequirements.FROM_INTEGRATION;
        }
        if (!security.isArray()) {
            return SecurityRequirements.NONE;
        }
        List<List<String>> alternatives = new ArrayList<>();
        for (JsonNode requirement : security) {
            List<String> schemes = new ArrayList<>();
            requirement.fieldNames().forEachRemaining(schemes::add);
            alternatives.add(schemes);
        }
        return SecurityRequirements.anyOf(alternatives);
    }

    /**
     * The JSON media types the 2xx responses declare (document order, at most 5), e.g.
     * {@code application/vnd.api+json}; {@code application/json} when they declare none or only
     * unusable ones; otherwise the media types they offer.
     */
    private String accept(JsonNode op) {
        Set<String> types = new java.util.LinkedHashSet<>();
        op.path("responses").fields().forEachRemaining(r -> {
            if (r.getKey().startsWith("2")) {
                refs.deref(r.getValue()).path("content").fieldNames().forEachRemaining(types::add);
            }
        });
        if (types.isEmpty()) {
            return HttpBinding.DEFAULT_ACCEPT;
        }
        List<String> json = types.stream().filter(t -> isJson(essence(t))).limit(5).toList();
        if (!json.isEmpty()) {
            String joined = String.join(", ", json);
            return joined.length() > 200 || !joined.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                    ? HttpBinding.DEFAULT_ACCEPT : joined;
        }
        if (types.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains("json"))) {
            return "application/json";
        }
        String joined = String.join(", ", types.stream().limit(5).toList());
        return joined.length() > 200 || !joined.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? "*/*" : joined;
    }

    private JsonNode outputSchema(JsonNode op, Consumer<String> warn) {
        JsonNode responses = op.path("responses");
        List<String> codes = new ArrayList<>();
        responses.fieldNames().forEachRemaining(c -> {
            if (c.startsWith("2")) {
                codes.add(c);
            }
        });
        codes.sort(null);
        for (String code : codes) {
            JsonNode response = refs.deref(responses.get(code));
            Iterator<Map.Entry<String, JsonNode>> media = response.path("content").fields();
            while (media.hasNext()) {
                Map.Entry<String, JsonNode> m = media.next();
                if (m.getKey().toLowerCase(Locale.ROOT).contains("json") && m.getValue().has("schema")) {
                    try {
                        SchemaTranslator t = new SchemaTranslator(refs, openApi31,
                                SchemaTranslator.Direction.RESPONSE, MAX_OUTPUT_NODES);
                        JsonNode schema = t.translate(m.getValue().get("schema"));
                        ObjectNode defs = t.defs();
                        ObjectNode out = schema.isObject() ? ((ObjectNode) schema).deepCopy()
                                : JsonNodeFactory.instance.objectNode();
                        if (!defs.isEmpty()) {
                            out.set("$defs", defs);
                        }
                        if (out.toString().length() > MAX_OUTPUT_SCHEMA_CHARS) {
                            warn.accept("the response schema is larger than " + MAX_OUTPUT_SCHEMA_CHARS
                                    + " chars and is left out");
                            return null;
                        }
                        return out;
                    } catch (ImportProblem e) {
                        warn.accept("the response schema is left out (" + e.getMessage() + ")");
                        return null;
                    }
                }
            }
        }
        return null;
    }

    static String description(String method, String path, JsonNode op) {
        String summary = op.path("summary").asText("").strip();
        String details = op.path("description").asText("").strip();
        String text;
        if (summary.isEmpty() && details.isEmpty()) {
            text = method + " " + path;
        } else if (summary.isEmpty() || details.startsWith(summary)) {
            text = details.isEmpty() ? summary : details;
        } else {
            text = details.isEmpty() ? summary : summary + "\n\n" + details;
        }
        if (op.path("deprecated").asBoolean(false)) {
            text = "Deprecated. " + text;
        }
        return trim(text, MAX_DESCRIPTION);
    }

    /** At most {@code max} chars, cut at a word boundary with an ellipsis. */
    static String trim(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int cut = text.lastIndexOf(' ', max - 1);
        if (cut < max / 2) {
            cut = max - 1;
        }
        return text.substring(0, cut).strip() + "…";
    }

    private static ToolAnnotations annotations(String method, JsonNode op) {
        boolean readOnly = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        boolean idempotent = readOnly || method.equals("PUT") || method.equals("DELETE");
        boolean destructive = method.equals("DELETE");
        boolean confirm = op.path("x-toolgate-requires-confirmation").asBoolean(false);
        return new ToolAnnotations(readOnly, destructive, idempotent, false, confirm);
    }

    private static ObjectNode asObject(JsonNode schema) {
        if (schema.isObject()) {
            return (ObjectNode) schema;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (schema.isBoolean() && !schema.booleanValue()) {
            out.putObject("not");
        }
        return out;
    }

    private static ObjectNode withDescription(ObjectNode property, String doc) {
        if (property.has("$ref")) {
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.putArray("allOf").add(property);
            property = wrapped;
        }
        property.put("description", trim(doc, MAX_DESCRIPTION));
        return property;
    }
}
