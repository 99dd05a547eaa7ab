package dev.toolgate.gateway.execution.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.BodyBinding;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places validated arguments into an HTTP request per the tool's {@link HttpBinding}: path
 * variables percent-encoded, query parameters, headers and cookies in their OpenAPI style, and
 * a JSON or form-encoded body. Pure: no I/O, no credentials.
 */
final class RequestRenderer {
    /**
     * The parts of a rendered request.
     *
     * @param query encoded {@code key=value} pairs, in order
     * @param cookies encoded {@code name=value} pairs for the Cookie header
     * @param body empty for no body
     * @param contentType of the body; empty for no body
     */
    record Rendered(String path, List<String> query, Map<String, String> headers, List<String> cookies, String body,
            String contentType) {

        String pathAndQuery() {
            return withQuery(List.of());
        }

        /** The path (which may end in a fixed query) with the query pairs and {@code extra} appended. */
        String withQuery(List<String> extra) {
            List<String> all = new ArrayList<>(query);
            all.addAll(extra);
            if (all.isEmpty()) {
                return path;
            }
            return path + (path.indexOf('?') < 0 ? "?" : "&") + String.join("&", all);
        }
    }

    private RequestRenderer() {
    }

    static Rendered render(HttpBinding binding, JsonNode arguments) {
        return render(binding, arguments, Map.of());
    }

    /**
     * @param secrets values of the secrets that parameters are bound to, by secret name (see
     *     {@link Credentials#bound()})
     */
    static Rendered render(HttpBinding binding, JsonNode arguments, Map<String, String> secrets) {
        if (binding.hasBoundParams()) {
            arguments = withBoundValues(binding, arguments, secrets);
        }
        String path = binding.path();
        List<String> query = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        BodyBinding bodyBinding = binding.body();
        ObjectNode flatBody = JsonSupport.mapper().createObjectNode();
        List<ParamBinding> flatBindings = new ArrayList<>();
        JsonNode wholeBody = null;
        List<FieldViolation> problems = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = arguments.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String arg = field.getKey();
            JsonNode value = field.getValue();
            if (arg.equals(bodyBinding.argument()) && bodyBinding.present()) {
                wholeBody = value;
                continue;
            }
            ParamBinding p = binding.bindingOf(arg).orElse(new ParamBinding(arg,
                    bodyBinding.flattened() ? ParamLocation.BODY : ParamLocation.QUERY, arg));
            if (value.isNull() && p.location() != ParamLocation.BODY) {
                continue;
            }
            switch (p.location()) {
                case PATH -> {
                    String text = ParamSerializer.path(p, value);
                    pathProblem(p, text).ifPresent(why -> problems.add(new FieldViolation("/" + arg, "/" + arg + ": "
                            + why)));
                    path = path.replace("{" + p.name() + "}", text);
                }
                case QUERY -> query.addAll(ParamSerializer.query(p, value));
                case HEADER -> {
                    String text = ParamSerializer.header(p, value);
                    if (!isHeaderValue(text)) {
                        problems.add(new FieldViolation("/" + arg, "/" + arg + ": must not contain control characters,"
                                + " line breaks or characters beyond Latin-1 (it is sent as an HTTP header)"));
                    } else {
                        headers.put(p.name(), text);
                    }
                }
                case COOKIE -> cookies.add(PercentEncoding.encode(p.name()) + "=" + ParamSerializer.cookie(p, value));
                case BODY -> {
                    flatBody.set(p.name(), value);
                    flatBindings.add(p);
                }
            }
        }
        for (String variable : binding.pathVariables()) {
            if (path.contains("{" + variable + "}")) {
                String arg = binding.params().stream().filter(p -> p.location() == ParamLocation.PATH
                        && p.name().equals(variable)).map(ParamBinding::argument).findFirst().orElse(variable);
                problems.add(new FieldViolation("/" + arg, "/" + arg + ": required (it is part of the URL path)"));
            }
        }
        String body = "";
        if (bodyBinding.flattened() && !flatBody.isEmpty()) {
            body = bodyBinding.encoding() == BodyBinding.Encoding.FORM ? form(flatBindings, flatBody) : flatBody.toString();
        } else if (!bodyBinding.flattened() && wholeBody != null && !wholeBody.isNull()) {
            if (bodyBinding.encoding() == BodyBinding.Encoding.FORM) {
                if (!wholeBody.isObject()) {
                    problems.add(new FieldViolation("/" + bodyBinding.argument(), "/" + bodyBinding.argument()
                            + ": must be an object (it is sent as a form)"));
                } else {
                    body = form(List.of(), (ObjectNode) wholeBody);
                }
            } else {
                body = wholeBody.toString();
            }
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument("arguments cannot be placed in the request", problems);
        }
        return new Rendered(path, query, headers, cookies, body, body.isEmpty() ? "" : bodyBinding.mediaType());
    }

    /** The arguments with every admin-bound parameter set to its value, whatever the model sent under its name. */
    private static JsonNode withBoundValues(HttpBinding binding, JsonNode arguments, Map<String, String> secrets) {
        ObjectNode all = arguments.isObject() ? ((ObjectNode) arguments).deepCopy()
                : JsonSupport.mapper().createObjectNode();
        for (ParamBinding p : binding.params()) {
            switch (p.bound().source()) {
                case ARGUMENT -> { }
                case VALUE -> all.put(p.argument(), p.bound().value());
                case SECRET -> {
                    String value = secrets.get(p.bound().value());
                    if (value == null) {
                        throw new IllegalStateException("secret of bound parameter '" + p.name() + "' not resolved");
                    }
                    all.put(p.argument(), value);
                }
            }
        }
        return all;
    }

    /** An application/x-www-form-urlencoded body: each property in its binding's style (form by default). */
    private static String form(List<ParamBinding> bindings, ObjectNode properties) {
        List<String> pairs = new ArrayList<>();
        properties.fields().forEachRemaining(f -> {
            ParamBinding p = bindings.stream().filter(b -> b.name().equals(f.getKey())).findFirst()
                    .orElse(new ParamBinding(f.getKey(), ParamLocation.BODY, f.getKey()));
            if (!f.getValue().isNull()) {
                pairs.addAll(ParamSerializer.query(p, f.getValue()));
            }
        });
        return String.join("&", pairs);
    }

    /** A slash, or one the upstream may decode into a slash (some servers take a backslash for one). */
    private static final java.util.regex.Pattern SEGMENT_SEPARATOR = java.util.regex.Pattern.compile(
            "/|%2[Ff]|%5[Cc]");

    /**
     * Why an encoded path value cannot be sent: empty, or a {@code .} / {@code ..} segment that
     * would move the request elsewhere on the upstream (also between encoded slashes, which some
     * upstreams decode); for a value that keeps its slashes, an empty segment too.
     */
    static java.util.Optional<String> pathProblem(ParamBinding p, String text) {
        if (text.isEmpty()) {
            return java.util.Optional.of("must not be empty (it is part of the URL path)");
        }
        for (String segment : SEGMENT_SEPARATOR.split(text, -1)) {
            if (!segment.isEmpty() && segment.chars().allMatch(c -> c == '.')) { // '...' too: some servers trim dots
                return java.util.Optional.of("must not be or contain a '.' or '..' segment (it would change the URL"
                        + " path)");
            }
        }
        if (p.allowReserved()) {
            for (String segment : text.split("/", -1)) {
                if (segment.isEmpty()) {
                    return java.util.Optional.of("must not start or end with '/' or hold '//' (it is a path of"
                            + " non-empty segments)");
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The JDK HTTP client's rule for header values: Latin-1 without controls other than tab. */
    static boolean isHeaderValue(String text) {
        return text.chars().allMatch(c -> (c >= 0x20 && c != 0x7f && c <= 0xff) || c == '\t');
    }

    static String scalarText(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal()) {
            return value.decimalValue().toPlainString();
        }
        if (value.isValueNode()) {
            return value.asText();
        }
        return value.toString();
    }
}
