package dev.toolgate.gateway.execution.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamStyle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes parameter values the way OpenAPI's {@code style} and {@code explode} say (RFC 6570
 * expansion): arrays and objects in paths, query strings, headers, cookies and form bodies.
 * Values nested deeper than a style can express are sent as JSON text. Pure functions.
 */
final class ParamSerializer {
    private ParamSerializer() {
    }

    /**
     * The text that replaces {@code {name}} in the path, already percent-encoded; a binding that
     * {@link ParamBinding#allowReserved() allows reserved characters} keeps slashes and the other
     * characters a path segment may hold.
     */
    static String path(ParamBinding p, JsonNode value) {
        UnaryOperator<String> enc = p.allowReserved() ? PercentEncoding::encodeKeepingPath : PercentEncoding::encode;
        String name = PercentEncoding.encode(p.name());
        List<String> items = items(value, p.asJson());
        List<String[]> pairs = pairs(value, p.asJson());
        return switch (p.style()) {
            case LABEL -> "." + (pairs != null
                    ? join(pairs, p.explode() ? "=" : ",", p.explode() ? "." : ",", enc)
                    : String.join(p.explode() ? "." : ",", encodeAll(items, enc)));
            case MATRIX -> {
                if (pairs != null) {
                    yield p.explode() ? ";" + join(pairs, "=", ";", enc) : ";" + name + "=" + join(pairs, ",", ",", enc);
                }
                if (value.isArray() && !p.asJson() && p.explode()) {
                    StringBuilder sb = new StringBuilder();
                    encodeAll(items, enc).forEach(i -> sb.append(';').append(name).append('=').append(i));
                    yield sb.toString();
                }
                yield ";" + name + "=" + String.join(",", encodeAll(items, enc));
            }
            default -> pairs != null ? join(pairs, p.explode() ? "=" : ",", ",", enc)
                    : String.join(",", encodeAll(items, enc));
        };
    }

    /** {@code key=value} pairs for a query string or form body, percent-encoded. */
    static List<String> query(ParamBinding p, JsonNode value) {
        String name = PercentEncoding.encode(p.name());
        List<String> out = new ArrayList<>();
        if (p.style() == ParamStyle.DEEP_OBJECT && (value.isObject() || value.isArray()) && !p.asJson()) {
            deepObject(p.name(), value, out);
            return out;
        }
        List<String[]> pairs = pairs(value, p.asJson());
        if (pairs != null) {
            if (p.explode()) {
                pairs.forEach(kv -> out.add(PercentEncoding.encode(kv[0]) + "=" + PercentEncoding.encode(kv[1])));
            } else {
                out.add(name + "=" + join(pairs, delimiter(p.style()), delimiter(p.style()), PercentEncoding::encode));
            }
            return out;
        }
        List<String> items = items(value, p.asJson());
        if (value.isArray() && !p.asJson() && p.explode()) {
            encodeAll(items).forEach(i -> out.add(name + "=" + i));
        } else {
            out.add(name + "=" + String.join(delimiter(p.style()), encodeAll(items)));
        }
        return out;
    }

    /** A header value (simple style), not encoded: headers carry text. */
    static String header(ParamBinding p, JsonNode value) {
        List<String[]> pairs = pairs(value, p.asJson());
        if (pairs != null) {
            return join(pairs, p.explode() ? "=" : ",", ",", UnaryOperator.identity());
        }
        return String.join(",", items(value, p.asJson()));
    }

    /** A cookie's value (form style without the name), percent-encoded so it stays a cookie-octet. */
    static String cookie(ParamBinding p, JsonNode value) {
        List<String[]> pairs = pairs(value, p.asJson());
        if (pairs != null) {
            return join(pairs, ",", ",", PercentEncoding::encode);
        }
        return String.join(",", encodeAll(items(value, p.asJson())));
    }

    private static String delimiter(ParamStyle style) {
        return switch (style) {
            case SPACE_DELIMITED -> "%20";
            case PIPE_DELIMITED -> "%7C";
            case TAB_DELIMITED -> "%09";
            default -> ",";
        };
    }

    /** {@code name[key][0]=value}, the bracket notation of deepObject, recursively. */
    private static void deepObject(String prefix, JsonNode value, List<String> out) {
        if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                deepObject(prefix + "[" + f.getKey() + "]", f.getValue(), out);
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                deepObject(prefix + "[" + i + "]", value.get(i), out);
            }
        } else if (!value.isNull()) {
            out.add(PercentEncoding.encode(prefix) + "=" + PercentEncoding.encode(RequestRenderer.scalarText(value)));
        }
    }

    /** The items of an array, or the one scalar; nested containers become JSON text. */
    private static List<String> items(JsonNode value, boolean asJson) {
        if (asJson) {
            return List.of(value.toString());
        }
        if (value.isArray()) {
            List<String> out = new ArrayList<>(value.size());
            value.forEach(v -> out.add(RequestRenderer.scalarText(v)));
            return out;
        }
        return List.of(RequestRenderer.scalarText(value));
    }

    /** The properties of an object as key/value pairs, or null when the value is not an object. */
    private static List<String[]> pairs(JsonNode value, boolean asJson) {
        if (asJson || !value.isObject()) {
            return null;
        }
        List<String[]> out = new ArrayList<>(value.size());
        value.fields().forEachRemaining(f -> out.add(new String[] {f.getKey(), RequestRenderer.scalarText(f.getValue())}));
        return out;
    }

    private static String join(List<String[]> pairs, String keyValue, String between, UnaryOperator<String> enc) {
        StringBuilder sb = new StringBuilder();
        for (String[] kv : pairs) {
            if (!sb.isEmpty()) {
                sb.append(between);
            }
            sb.append(enc.apply(kv[0])).append(keyValue).append(enc.apply(kv[1]));
        }
        return sb.toString();
    }

    private static List<String> encodeAll(List<String> items) {
        return encodeAll(items, PercentEncoding::encode);
    }

    private static List<String> encodeAll(List<String> items, UnaryOperator<String> enc) {
        return items.stream().map(enc).toList();
    }
}
