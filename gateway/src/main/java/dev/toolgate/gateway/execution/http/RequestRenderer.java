package dev.toolgate.gateway.execution.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * variables percent-encoded, query parameters (arrays repeat the key), headers, JSON body.
 * Pure: no I/O, no credentials.
 */
final class RequestRenderer {
    /** The parts of a rendered request; {@code body} is empty for no body. */
    record Rendered(String pathAndQuery, Map<String, String> headers, String body) {
    }

    private RequestRenderer() {
    }

    static Rendered render(HttpBinding binding, JsonNode arguments) {
        String path = binding.path();
        List<String> query = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        ObjectNode body = JsonSupport.mapper().createObjectNode();
        List<FieldViolation> problems = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = arguments.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String arg = field.getKey();
            JsonNode value = field.getValue();
            ParamBinding p = binding.bindingOf(arg).orElse(new ParamBinding(arg,
                    binding.sendsBody() ? ParamLocation.BODY : ParamLocation.QUERY, arg));
            if (value.isNull() && p.location() != ParamLocation.BODY) {
                continue;
            }
            switch (p.location()) {
                case PATH -> {
                    String text = scalarText(value);
                    if (text.isEmpty()) {
                        problems.add(new FieldViolation("/" + arg, "/" + arg + ": must not be empty (it is part of the URL path)"));
                    } else if (text.chars().allMatch(c -> c == '.')) {
                        problems.add(new FieldViolation("/" + arg, "/" + arg
                                + ": must not be '.' or '..' (it would change the URL path)"));
                    }
                    path = path.replace("{" + p.name() + "}", PercentEncoding.encode(text));
                }
                case QUERY -> {
                    if (value.isArray()) {
                        for (JsonNode item : value) {
                            query.add(PercentEncoding.encode(p.name()) + "=" + PercentEncoding.encode(scalarText(item)));
                        }
                    } else {
                        query.add(PercentEncoding.encode(p.name()) + "=" + PercentEncoding.encode(scalarText(value)));
                    }
                }
                case HEADER -> {
                    String text = scalarText(value);
                    if (!isHeaderValue(text)) {
                        problems.add(new FieldViolation("/" + arg, "/" + arg + ": must not contain control characters,"
                                + " line breaks or characters beyond Latin-1 (it is sent as an HTTP header)"));
                    } else {
                        headers.put(p.name(), text);
                    }
                }
                case BODY -> body.set(p.name(), value);
            }
        }
        for (String variable : binding.pathVariables()) {
            if (path.contains("{" + variable + "}")) {
                String arg = binding.params().stream().filter(p -> p.location() == ParamLocation.PATH
                        && p.name().equals(variable)).map(ParamBinding::argument).findFirst().orElse(variable);
                problems.add(new FieldViolation("/" + arg, "/" + arg + ": required (it is part of the URL path)"));
            }
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument("arguments cannot be placed in the request", problems);
        }
        String pathAndQuery = query.isEmpty() ? path : path + "?" + String.join("&", query);
        String bodyText = binding.sendsBody() && !body.isEmpty() ? body.toString() : "";
        return new Rendered(pathAndQuery, headers, bodyText);
    }

    /** The JDK HTTP client's rule for header values: Latin-1 without controls other than tab. */
    static boolean isHeaderValue(String text) {
        return text.chars().allMatch(c -> (c >= 0x20 && c != 0x7f && c <= 0xff) || c == '\t');
    }

    private static String scalarText(JsonNode value) {
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
