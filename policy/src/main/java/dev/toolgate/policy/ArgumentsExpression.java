package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.NullValue;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CEL expression that builds a tool call's arguments (a JSON object) from an earlier call's
 * {@code args} (its arguments object) and {@code result} (its result, any JSON) — e.g. the
 * arguments of a compensating call: {@code {"order_id": result.id, "reason": "rollback"}}.
 * Compiled and type-checked once (it must give a map with string keys); evaluation is bounded
 * as policy conditions are. Immutable and thread-safe.
 */
public final class ArgumentsExpression {
    /** Longest expression accepted. */
    public static final int MAX_CHARS = Condition.MAX_CHARS;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(MAX_CHARS)
            .maxParseRecursionDepth(64)
            .comprehensionMaxIterations(10_000)
            .build();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("result", SimpleType.DYN)
            .addLibraries(CelExtensions.strings(), CelExtensions.lists(), CelExtensions.math(OPTIONS))
            .setResultType(MapType.create(SimpleType.STRING, SimpleType.DYN))
            .build();

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings(), CelExtensions.lists(), CelExtensions.math(OPTIONS))
            .build();

    private final String expression;
    private final CelRuntime.Program program;

    private ArgumentsExpression(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /**
     * Compiles {@code expression}.
     *
     * @throws IllegalArgumentException naming every problem (position and message) when it does not
     *         compile or does not give a map
     */
    public static ArgumentsExpression compile(String expression) {
        requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        if (expression.length() > MAX_CHARS) {
            throw new IllegalArgumentException("the expression is longer than " + MAX_CHARS + " chars");
        }
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            StringBuilder why = new StringBuilder();
            for (CelIssue issue : result.getErrors()) {
                why.append(why.isEmpty() ? "" : "; ").append(Math.max(1, issue.getSourceLocation().getLine()))
                        .append(':').append(Math.max(0, issue.getSourceLocation().getColumn()) + 1).append(' ')
                        .append(issue.getMessage());
            }
            throw new IllegalArgumentException("the expression does not compile: " + why);
        }
        try {
            return new ArgumentsExpression(expression, RUNTIME.createProgram(result.getAst()));
        } catch (Exception e) {
            throw new IllegalArgumentException("the expression cannot be planned: " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    /**
     * The arguments object for {@code args} and {@code result}.
     *
     * @throws IllegalArgumentException when the expression cannot be evaluated for them (a missing
     *         field, a type error) or gives a value JSON cannot hold
     */
    public ObjectNode evaluate(JsonNode args, JsonNode result) {
        requireNonNull(args, "args");
        requireNonNull(result, "result");
        Map<String, Object> vars = Map.of("args", args.isObject() ? ConditionFacts.valueOf(args) : Map.of(),
                "result", ConditionFacts.valueOf(result));
        Object value;
        try {
            value = program.eval(name -> Optional.ofNullable(vars.get(name)));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("the expression failed: " + e.getMessage());
        }
        if (!(json(value) instanceof ObjectNode object)) {
            throw new IllegalArgumentException("the expression gave " + value + " instead of an object");
        }
        return object;
    }

    private static JsonNode json(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = f.objectNode();
            map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("the expression gave a map key that is not a string: " + k);
                }
                o.set(key, json(v));
            });
            return o;
        }
        if (value instanceof List<?> list) {
            ArrayNode a = f.arrayNode();
            list.forEach(v -> a.add(json(v)));
            return a;
        }
        return switch (value) {
            case String s -> f.textNode(s);
            case Boolean b -> f.booleanNode(b);
            case Long l -> f.numberNode(l);
            case Integer i -> f.numberNode(i);
            case Double d -> f.numberNode(d);
            case com.google.common.primitives.UnsignedLong u -> f.numberNode(u.bigIntegerValue());
            case NullValue n -> f.nullNode();
            default -> throw new IllegalArgumentException("the expression gave a "
                    + value.getClass().getSimpleName() + ", which JSON cannot hold");
        };
    }
}
