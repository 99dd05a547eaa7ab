package dev.toolgate.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Argument names from parameter names. A name of {@code [A-Za-z0-9_.-]} (at most 64) is kept. A name
 * that ends in a comparison operator, as AWS-style filters do ({@code StartTime<}, {@code Size>=}),
 * keeps its meaning: the operator becomes a word joined with {@code _} — for a date or time
 * ({@code format} {@code date}, {@code date-time} or {@code time}, or a name ending in {@code Time},
 * {@code Date} or {@code Timestamp}) {@code <} {@code _before}, {@code <=} {@code _on_or_before},
 * {@code >} {@code _after}, {@code >=} {@code _on_or_after}; otherwise {@code _lt}, {@code _lte},
 * {@code _gt}, {@code _gte}; {@code !=} is {@code _not} for both. Any other name, and a mapped one
 * that still has other characters, is turned into snake case. The upstream always gets the original
 * name. Stateless.
 */
final class ArgumentNames {
    static final Pattern ARGUMENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Set<String> TIME_FORMATS = Set.of("date", "date-time", "time");

    /** A trailing operator and its words; longer symbols first, so {@code <=} is not read as {@code =}. */
    private record Operator(String symbol, String word, String timeWord) {
    }

    private static final List<Operator> OPERATORS = List.of(new Operator("<=", "lte", "on_or_before"),
            new Operator(">=", "gte", "on_or_after"), new Operator("!=", "not", "not"),
            new Operator("<", "lt", "before"), new Operator(">", "gt", "after"));

    private ArgumentNames() {
    }

    /**
     * The argument name for a parameter called {@code name} whose (dereferenced) schema is
     * {@code schema}, before any clash with another argument is resolved; at most 64 chars.
     */
    static String of(String name, JsonNode schema) {
        String base = ARGUMENT.matcher(name).matches() ? name
                : operatorWord(name, schema).filter(n -> ARGUMENT.matcher(n).matches())
                        .orElseGet(() -> OperationNames.snake(operatorWord(name, schema).orElse(name)));
        return base.length() > 64 ? base.substring(0, 64) : base;
    }

    /** True when {@link #of} turns the name's trailing comparison operator into a word. */
    static boolean hasOperator(String name) {
        return !ARGUMENT.matcher(name).matches() && OPERATORS.stream().anyMatch(o -> name.endsWith(o.symbol())
                && name.length() > o.symbol().length());
    }

    private static Optional<String> operatorWord(String name, JsonNode schema) {
        for (Operator o : OPERATORS) {
            if (name.endsWith(o.symbol()) && name.length() > o.symbol().length()) {
                String stem = name.substring(0, name.length() - o.symbol().length()).strip();
                if (stem.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(stem + "_" + (isTime(stem, schema) ? o.timeWord() : o.word()));
            }
        }
        return Optional.empty();
    }

    private static boolean isTime(String stem, JsonNode schema) {
        if (schema != null && TIME_FORMATS.contains(schema.path("format").asText(""))) {
            return true;
        }
        String lower = stem.toLowerCase(Locale.ROOT);
        return lower.endsWith("time") || lower.endsWith("date") || lower.endsWith("timestamp");
    }
}
