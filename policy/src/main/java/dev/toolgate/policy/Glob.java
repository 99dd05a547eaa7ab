package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A name pattern: {@code *} matches any run of characters (dots included), {@code ?} one
 * character, everything else itself. Matching is case-sensitive and allocation-free.
 */
public final class Glob {
    private final String pattern;

    private Glob(String pattern) {
        this.pattern = pattern;
    }

    public static Glob of(String pattern) {
        requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("a pattern must not be empty");
        }
        return new Glob(pattern);
    }

    public String pattern() {
        return pattern;
    }

    public boolean isLiteral() {
        return pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }

    public boolean matchesEverything() {
        return pattern.chars().allMatch(c -> c == '*');
    }

    /** The literal text before the first wildcard ({@code "desk."} for {@code desk.*}). */
    public String literalPrefix() {
        int star = pattern.indexOf('*');
        int q = pattern.indexOf('?');
        int end = star < 0 ? q : q < 0 ? star : Math.min(star, q);
        return end < 0 ? pattern : pattern.substring(0, end);
    }

    /** For a tool pattern {@code integration.tool}: the integration, when it has no wildcard. */
    public Optional<String> literalIntegration() {
        int dot = pattern.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String integration = pattern.substring(0, dot);
        return integration.indexOf('*') < 0 && integration.indexOf('?') < 0 ? Optional.of(integration) : Optional.empty();
    }

    public boolean matches(String name) {
        int p = 0;
        int n = 0;
        int starP = -1;
        int starN = 0;
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starN = n;
            } else if (starP >= 0) {
                p = starP + 1;
                n = ++starN;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
