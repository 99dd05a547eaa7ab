package dev.toolgate.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A form generated from a tool's JSON Schema, and the arguments read back from it. Each input is
 * named by the JSON Pointer of its value ({@code /customer/name}), which is also where the
 * gateway's validator reports a violation, so a message lands next to its field. Strings,
 * numbers, integers, booleans (checkbox) and enums (select) get their own inputs; objects with
 * {@code properties} nest as fieldsets; anything else (arrays, free-form objects) is a JSON
 * textarea. {@code default} or the first of {@code examples} pre-fills a field. The form checks
 * nothing itself: the arguments go to the gateway's own validator. Stateless.
 */
final class SchemaForm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DEPTH = 8;

    private SchemaForm() {
    }

    /**
     * @param values what was sent last time, by pointer (empty: pre-fill from the schema)
     * @param errors violations by pointer; the empty pointer is shown above the fields
     */
    static String render(JsonNode schema, Map<String, String> values, Map<String, String> errors) {
        StringBuilder out = new StringBuilder();
        if (errors.containsKey("")) {
            out.append("<p class=\"error\" role=\"alert\">").append(Html.text(errors.get(""))).append("</p>");
        }
        fields(schema, "", values, errors, out, 0);
        return out.toString();
    }

    private static void fields(JsonNode schema, String at, Map<String, String> values, Map<String, String> errors,
            StringBuilder out, int depth) {
        JsonNode props = schema.path("properties");
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String pointer = at + "/" + escape(e.getKey());
            field(e.getKey(), e.getValue(), pointer, required.contains(e.getKey()), values, errors, out, depth);
        }
    }

    private static void field(String name, JsonNode s, String pointer, boolean required, Map<String, String> values,
            Map<String, String> errors, StringBuilder out, int depth) {
        String type = s.path("type").asText("");
        String id = "f" + Integer.toHexString(pointer.hashCode());
        String label = "<label for=\"" + id + "\">" + Html.text(name) + (required ? " <span class=\"req\">*</span>" : "")
                + "</label>";
        String help = s.hasNonNull("description")
                ? "<small class=\"help\">" + Html.text(s.get("description").asText()) + "</small>" : "";
        String error = errors.containsKey(pointer) ? "<span class=\"error field-error\" role=\"alert\" data-field=\""
                + Html.text(pointer) + "\">" + Html.text(errors.get(pointer)) + "</span>" : "";
        if ("object".equals(type) && s.has("properties") && depth < MAX_DEPTH) {
            out.append("<fieldset><legend>").append(Html.text(name)).append(required ? " *" : "").append("</legend>")
                    .append(help).append(error);
            fields(s, pointer, values, errors, out, depth + 1);
            out.append("</fieldset>");
            return;
        }
        String value = values.getOrDefault(pointer, values.isEmpty() ? prefill(s) : "");
        String attrs = " id=\"" + id + "\" name=\"" + Html.text(pointer) + "\"" + (required ? " required" : "")
                + (errors.containsKey(pointer) ? " aria-invalid=\"true\"" : "");
        out.append("<div class=\"field\">");
        if (s.has("enum")) {
            out.append(label).append("<select").append(attrs).append("><option value=\"\"></option>");
            for (JsonNode option : s.get("enum")) {
                String v = option.isTextual() ? option.asText() : option.toString();
                out.append("<option").append(v.equals(value) ? " selected" : "").append(" value=\"")
                        .append(Html.text(v)).append("\">").append(Html.text(v)).append("</option>");
            }
            out.append("</select>");
        } else if ("boolean".equals(type)) {
            out.append("<input type=\"checkbox\" value=\"true\"").append(attrs.replace(" required", ""))
                    .append("true".equals(value) ? " checked" : "").append(">").append(label);
        } else if ("integer".equals(type) || "number".equals(type)) {
            out.append(label).append("<input type=\"text\" inputmode=\"").append("integer".equals(type) ? "numeric"
                    : "decimal").append("\"").append(attrs).append(" value=\"").append(Html.text(value)).append("\">");
        } else if ("string".equals(type)) {
            out.append(label).append("<input type=\"text\"").append(attrs).append(" value=\"").append(Html.text(value))
                    .append("\">");
        } else {
            out.append(label).append("<textarea rows=\"3\" class=\"json\"").append(attrs).append(">")
                    .append(Html.text(value)).append("</textarea><small class=\"help\">JSON</small>");
        }
        out.append(help).append(error).append("</div>");
    }

    private static String prefill(JsonNode s) {
        JsonNode v = s.has("default") ? s.get("default") : s.path("examples").path(0);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    /**
     * The arguments a submitted form stands for: empty fields are left out (so a missing required
     * one is reported by the validator as missing); a number that does not parse, or JSON that
     * does not, is sent as the text typed (and reported by the validator as the wrong type).
     */
    static ObjectNode read(JsonNode schema, Map<String, String> form) {
        return object(schema, "", form, 0);
    }

    private static ObjectNode object(JsonNode schema, String at, Map<String, String> form, int depth) {
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            String pointer = at + "/" + escape(e.getKey());
            String type = s.path("type").asText("");
            if ("object".equals(type) && s.has("properties") && depth < MAX_DEPTH) {
                ObjectNode nested = object(s, pointer, form, depth + 1);
                if (!nested.isEmpty()) {
                    out.set(e.getKey(), nested);
                }
                continue;
            }
            String v = form.get(pointer);
            if (v == null || v.isEmpty()) {
                continue;
            }
            out.set(e.getKey(), value(s, type, v));
        }
        return out;
    }

    private static JsonNode value(JsonNode s, String type, String v) {
        var nodes = JSON.getNodeFactory();
        if (s.has("enum")) {
            for (JsonNode option : s.get("enum")) {
                if (v.equals(option.isTextual() ? option.asText() : option.toString())) {
                    return option;
                }
            }
            return nodes.textNode(v);
        }
        try {
            return switch (type) {
                case "string" -> nodes.textNode(v);
                case "boolean" -> nodes.booleanNode("true".equals(v));
                case "integer" -> nodes.numberNode(new BigDecimal(v.trim()).toBigIntegerExact());
                case "number" -> nodes.numberNode(new BigDecimal(v.trim()));
                default -> JSON.readTree(v);
            };
        } catch (NumberFormatException | ArithmeticException | JsonProcessingException e) {
            return nodes.textNode(v);
        }
    }

    private static String escape(String property) {
        return property.replace("~", "~0").replace("/", "~1");
    }
}
