package dev.toolgate.gateway.catalog;

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
        if (a.length() > 200 || b.length() > 200) {
            return Integer.MAX_VALUE;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private record Scored(String name, int distance) {
    }
}
