package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructTypeReference;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.toolgate.policy.context.Agent;
import dev.toolgate.policy.context.Call;
import dev.toolgate.policy.context.Request;
import dev.toolgate.policy.context.Session;
import dev.toolgate.policy.context.Skill;
import dev.toolgate.policy.context.Tool;
import java.util.ArrayList;
import java.util.List;

/**
 * A rule's {@code when}: a CEL expression compiled and type-checked once, at load, against the
 * variables a policy may read ({@code args}, {@code agent}, {@code tool}, {@code tenant},
 * {@code session}, {@code request}, {@code call} ({@code call.compensation}), {@code user}: {@code user.id} and {@code user.claims} of the
 * end user the call is made for). A typo in a variable or field name, or an expression
 * that is not a boolean, fails the load. Evaluation is bounded (no unbounded loops: CEL
 * comprehensions are capped) and thread-safe.
 */
public final class Condition {
    /** Longest expression accepted. */
    public static final int MAX_CHARS = 4096;

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .enableTimestampEpoch(true)
            .maxExpressionCodePointSize(MAX_CHARS)
            .maxParseRecursionDepth(64)
            .comprehensionMaxIterations(10_000)
            .build();

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addMessageTypes(Agent.getDescriptor(), Tool.getDescriptor(), Session.getDescriptor(), Request.getDescriptor(),
                    Skill.getDescriptor(), Call.getDescriptor())
            .addVar("args", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("agent", StructTypeReference.create(Agent.getDescriptor().getFullName()))
            .addVar("tool", StructTypeReference.create(Tool.getDescriptor().getFullName()))
            .addVar("tenant", SimpleType.STRING)
            .addVar("session", StructTypeReference.create(Session.getDescriptor().getFullName()))
            .addVar("request", StructTypeReference.create(Request.getDescriptor().getFullName()))
            .addVar("skill", StructTypeReference.create(Skill.getDescriptor().getFullName()))
            .addVar("user", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("call", StructTypeReference.create(Call.getDescriptor().getFullName()))
            .addLibraries(CelExtensions.strings(), CelExtensions.lists(), CelExtensions.math(OPTIONS),
                    CelExtensions.sets(OPTIONS), CelExtensions.regex())
            .setResultType(SimpleType.BOOL)
            .build();

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addMessageTypes(Agent.getDescriptor(), Tool.getDescriptor(), Session.getDescriptor(), Request.getDescriptor(),
                    Skill.getDescriptor(), Call.getDescriptor())
            .addLibraries(CelExtensions.strings(), CelExtensions.lists(), CelExtensions.math(OPTIONS),
                    CelExtensions.sets(OPTIONS), CelExtensions.regex())
            .build();

    private final String expression;
    private final CelRuntime.Program program;

    private Condition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** A problem inside an expression: 1-based line and column within the expression text. */
    public record CompileError(int line, int column, String message) {
    }

    /** The compiled condition, or the errors that stop it compiling. */
    public sealed interface Compiled permits Ok, Failed {
    }

    public record Ok(Condition condition) implements Compiled {
    }

    public record Failed(List<CompileError> errors) implements Compiled {
    }

    public static Compiled compile(String expression) {
        requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            return new Failed(List.of(new CompileError(1, 1, "the condition is empty")));
        }
        if (expression.length() > MAX_CHARS) {
            return new Failed(List.of(new CompileError(1, 1, "the condition is longer than " + MAX_CHARS + " chars")));
        }
        CelValidationResult result = COMPILER.compile(expression);
        if (result.hasError()) {
            List<CompileError> errors = new ArrayList<>();
            for (CelIssue issue : result.getErrors()) {
                int line = Math.max(1, issue.getSourceLocation().getLine());
                int column = Math.max(0, issue.getSourceLocation().getColumn()) + 1;
                errors.add(new CompileError(line, column, issue.getMessage()));
            }
            return new Failed(errors);
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            return new Ok(new Condition(expression, RUNTIME.createProgram(ast)));
        } catch (Exception e) {
            return new Failed(List.of(new CompileError(1, 1, "cannot plan the condition: " + e.getMessage())));
        }
    }

    public String expression() {
        return expression;
    }

    /**
     * Evaluates the condition.
     *
     * @throws EvaluationFailure when the expression cannot be evaluated for these facts
     *         (e.g. it reads {@code args.amount} and the call has no {@code amount})
     */
    public boolean test(ConditionFacts facts) {
        try {
            Object value = program.eval(facts);
            if (value instanceof Boolean b) {
                return b;
            }
            throw new EvaluationFailure("the condition gave " + value + " instead of true or false");
        } catch (CelEvaluationException e) {
            throw new EvaluationFailure(e.getMessage());
        }
    }

    /** A condition that could not be evaluated for a call. */
    public static final class EvaluationFailure extends RuntimeException {
        EvaluationFailure(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return expression;
    }
}
