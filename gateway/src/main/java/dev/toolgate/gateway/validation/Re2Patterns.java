package dev.toolgate.gateway.validation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Optional;

/**
 * Regular expressions of schemas ({@code pattern}, {@code patternProperties}) and of
 * {@code format: regex} values, compiled with RE2/J: matching takes time linear in the input
 * (no backtracking), so no pattern can make one call take seconds. What RE2 cannot run in
 * linear time — lookaround, backreferences — is refused, and so is a pattern longer than
 * {@link #MAX_CHARS} or one whose counted repetitions expand beyond {@link #MAX_EXPANSION}
 * (nested {@code {n}} multiply: {@code ((a{1000}){1000}){1000}} would need gigabytes).
 * Stateless and thread-safe.
 */
public final class Re2Patterns {
    /** Longest pattern accepted, in chars. */
    public static final int MAX_CHARS = 1000;
    /** Upper bound of a pattern's size once counted repetitions are expanded (RE2 program size). */
    public static final long MAX_EXPANSION = 2000;

    private Re2Patterns() {
    }

    /** Why {@code pattern} is refused, or empty when it compiles with RE2 within the limits. */
    public static Optional<String> problem(String pattern) {
        if (pattern.length() > MAX_CHARS) {
            return Optional.of("is longer than " + MAX_CHARS + " chars");
        }
        long size = ExpansionEstimate.of(pattern);
        if (size > MAX_EXPANSION) {
            return Optional.of("expands its counted repetitions ({n}, {n,m}) to more than " + MAX_EXPANSION
                    + " steps; use smaller counts or fewer nested repetitions");
        }
        try {
            Pattern.compile(pattern);
            return Optional.empty();
        } catch (PatternSyntaxException e) {
            return Optional.of("is not supported (" + e.getMessage() + "); patterns run with RE2, which has no"
                    + " lookahead, lookbehind or backreferences");
        }
    }

    /**
     * Compiles a pattern accepted by {@link #problem}.
     *
     * @throws IllegalArgumentException naming the pattern and why it is refused
     */
    public static Pattern compile(String pattern) {
        Optional<String> problem = problem(pattern);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("pattern '" + abbreviate(pattern) + "' " + problem.get());
        }
        return Pattern.compile(pattern);
    }

    static String abbreviate(String pattern) {
        return pattern.length() <= 80 ? pattern : pattern.substring(0, 77) + "...";
    }

    /**
     * A conservative estimate of a pattern's size once counted repetitions are expanded: every
     * atom counts one, a group the sum of its parts, {@code x{n,m}} multiplies x by its largest
     * count. Used only to refuse what RE2 would need too much memory or time to compile.
     */
    static final class ExpansionEstimate {
        private final String p;
        private int i;

        private ExpansionEstimate(String pattern) {
            this.p = pattern;
        }

        static long of(String pattern) {
            ExpansionEstimate e = new ExpansionEstimate(pattern);
            return e.sequence();
        }

        /** Until the end or the ')' closing the current group (which is consumed by the caller). */
        private long sequence() {
            long total = 0;
            while (i < p.length() && p.charAt(i) != ')') {
                char c = p.charAt(i);
                if (c == '|') {
                    i++;
                    total = add(total, 1);
                    continue;
                }
                long atom = atom();
                total = add(total, quantified(atom));
            }
            return total;
        }

        private long atom() {
            char c = p.charAt(i);
            if (c == '(') {
                i++;
                long inner = sequence();
                if (i < p.length()) {
                    i++; // ')'
                }
                return add(inner, 1);
            }
            if (c == '[') {
                skipClass();
                return 1;
            }
            if (c == '\\') {
                skipEscape();
                return 1;
            }
            i++;
            return 1;
        }

        private long quantified(long atom) {
            long size = atom;
            while (i < p.length()) {
                char c = p.charAt(i);
                if (c == '*' || c == '+' || c == '?') {
                    i++;
                    size = add(size, 1);
                } else if (c == '{') {
                    int close = p.indexOf('}', i);
                    String body = close < 0 ? "" : p.substring(i + 1, close);
                    if (!body.matches("[0-9]{1,9}(,[0-9]{0,9})?")) {
                        return size; // a literal '{', counted as the next atom
                    }
                    String[] parts = body.split(",", -1);
                    long max = Long.parseLong(parts[0]);
                    if (parts.length == 2) {
                        max = parts[1].isEmpty() ? max + 1 : Math.max(max, Long.parseLong(parts[1]));
                    }
                    size = multiply(size, Math.max(1, max));
                    i = close + 1;
                } else {
                    return size;
                }
            }
            return size;
        }

        private void skipEscape() {
            i++; // '\'
            if (i >= p.length()) {
                return;
            }
            char c = p.charAt(i++);
            if (c == 'Q') {
                int end = p.indexOf("\\E", i);
                i = end < 0 ? p.length() : end + 2;
            } else if ((c == 'p' || c == 'P' || c == 'x') && i < p.length() && p.charAt(i) == '{') {
                int end = p.indexOf('}', i);
                i = end < 0 ? p.length() : end + 1;
            }
        }

        private void skipClass() {
            i++; // '['
            if (i < p.length() && p.charAt(i) == '^') {
                i++;
            }
            if (i < p.length() && p.charAt(i) == ']') {
                i++; // a leading ']' is a literal
            }
            while (i < p.length() && p.charAt(i) != ']') {
                if (p.charAt(i) == '\\') {
                    skipEscape();
                } else if (p.startsWith("[:", i)) {
                    int end = p.indexOf(":]", i + 2);
                    i = end < 0 ? i + 1 : end + 2;
                } else {
                    i++;
                }
            }
            i++; // ']'
        }

        private static long add(long a, long b) {
            long r = a + b;
            return r < 0 ? Long.MAX_VALUE : r;
        }

        private static long multiply(long a, long b) {
            return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
        }
    }
}
