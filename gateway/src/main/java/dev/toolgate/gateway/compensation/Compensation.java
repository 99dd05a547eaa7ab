package dev.toolgate.gateway.compensation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.policy.ArgumentsExpression;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a call of {@code tool} is undone: a call of {@code compensatingTool} whose arguments are built
 * from the original call — either by {@code pointers} (argument name → JSON Pointer into
 * {@code {"arguments": <the call's arguments>, "result": <its result>}}, e.g.
 * {@code order_id: /result/id}) or by a CEL {@code expression} over {@code args} and {@code result}
 * that gives the arguments object. Exactly one of the two is set. Immutable.
 */
public record Compensation(String tool, String compensatingTool, Map<String, String> pointers, String expression) {
    /** Most arguments a pointer map may name. */
    public static final int MAX_POINTERS = 64;

    public Compensation {
        requireNonNull(tool, "tool");
        requireNonNull(compensatingTool, "compensatingTool");
        pointers = Collections.unmodifiableMap(new TreeMap<>(requireNonNull(pointers, "pointers")));
        requireNonNull(expression, "expression");
    }

    /**
     * Every problem of a declaration, each with its field (under {@code prefix}); empty when it is
     * well-formed. The tools need not exist yet: a compensation is checked again when it runs.
     */
    public static List<FieldViolation> check(String prefix, String tool, String compensatingTool,
            Map<String, String> pointers, String expression) {
        List<FieldViolation> out = new ArrayList<>();
        checkToolName(prefix + "tool", tool).ifPresent(out::add);
        checkToolName(prefix + "compensating_tool", compensatingTool).ifPresent(out::add);
        if (pointers.isEmpty() == expression.isBlank()) {
            out.add(new FieldViolation(prefix + "arguments", "give either argument pointers (name → JSON Pointer"
                    + " such as /result/id) or a CEL expression, not " + (pointers.isEmpty() ? "neither" : "both")));
        }
        if (pointers.size() > MAX_POINTERS) {
            out.add(new FieldViolation(prefix + "arguments", "at most " + MAX_POINTERS + " argument pointers"));
        }
        pointers.forEach((name, pointer) -> {
            if (name.isEmpty() || name.length() > 128) {
                out.add(new FieldViolation(prefix + "arguments", "an argument name must be 1-128 chars"));
            } else if (!pointer.startsWith("/arguments") && !pointer.startsWith("/result")) {
                out.add(new FieldViolation(prefix + "arguments." + name, "'" + Identifiers.abbreviate(pointer)
                        + "' must be a JSON Pointer into /arguments or /result of the original call, e.g."
                        + " /result/id"));
            } else {
                try {
                    JsonPointer.compile(pointer);
                } catch (IllegalArgumentException e) {
                    out.add(new FieldViolation(prefix + "arguments." + name, "'" + Identifiers.abbreviate(pointer)
                            + "' is not a JSON Pointer: " + e.getMessage()));
                }
            }
        });
        if (!expression.isBlank()) {
            try {
                ArgumentsExpression.compile(expression);
            } catch (IllegalArgumentException e) {
                out.add(new FieldViolation(prefix + "expression", e.getMessage()));
            }
        }
        return out;
    }

    private static java.util.Optional<FieldViolation> checkToolName(String field, String name) {
        int dot = name.indexOf('.');
        if (dot <= 0 || !Identifiers.NAME.matcher(name.substring(0, dot)).matches()
                || !Identifiers.NAME.matcher(name.substring(dot + 1)).matches() || name.length() > 200) {
            return java.util.Optional.of(new FieldViolation(field, field + " '" + Identifiers.abbreviate(name)
                    + "' must be a qualified tool name, integration.tool"));
        }
        return java.util.Optional.empty();
    }

    /**
     * The compensating call's arguments for an original call.
     *
     * @param arguments the original call's arguments as stored
     * @param result    its result as stored
     * @throws IllegalArgumentException saying what is missing or failed (a pointer that finds nothing,
     *         an expression that cannot be evaluated)
     */
    public ObjectNode arguments(JsonNode arguments, JsonNode result) {
        if (!expression.isBlank()) {
            return ArgumentsExpression.compile(expression).evaluate(arguments, result);
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.set("arguments", arguments);
        document.set("result", result);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, String> e : pointers.entrySet()) {
            JsonNode value = document.at(e.getValue());
            if (value.isMissingNode()) {
                throw new IllegalArgumentException("argument '" + e.getKey() + "': " + e.getValue()
                        + " finds nothing in the original call's " + (e.getValue().startsWith("/result")
                        ? "result" : "arguments"));
            }
            out.set(e.getKey(), value);
        }
        return out;
    }
}
