package dev.toolgate.gateway.catalog;

import dev.toolgate.policy.Suggestions;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Picks the known names closest to a mistyped one (Levenshtein distance), for NOT_FOUND hints. */
public final class ClosestNames {
    private ClosestNames() {
    }

    /** Up to {@code limit} names within a distance of about a third of the name's length. */
    public static List<String> of(String wanted, List<String> known, int limit) {
        String w = wanted.toLowerCase(Locale.ROOT);
        int threshold = Math.max(3, w.length() / 3);
        return known.stream()
                .map(k -> new Scored(k, score(w, k.toLowerCase(Locale.ROOT))))
                .filter(s -> s.distance <= threshold)
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(limit)
                .map(Scored::name)
                .toList();
    }

    private static int score(String wanted, String known) {
        int whole = distance(wanted, known);
        int dot = known.indexOf('.');
        if (dot >= 0 && wanted.indexOf('.') < 0) {
            // "create_support_case" should find "support_desk.create_support_case"
            whole = Math.min(whole, distance(wanted, known.substring(dot + 1)));
        }
        return whole;
    }

    static int distance(String a, String b) {
        return Suggestions.distance(a, b);
    }

    private record Scored(String name, int distance) {
    }
}
