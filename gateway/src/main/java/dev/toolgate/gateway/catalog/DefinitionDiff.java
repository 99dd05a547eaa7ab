package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The differences between two JSON documents as JSON Pointer entries: {@code added},
 * {@code removed}, {@code changed}. Objects are compared key by key, arrays element by element;
 * at most {@value #MAX_ENTRIES} entries, values shortened to {@value #MAX_VALUE_CHARS} characters.
 */
public final class DefinitionDiff {
    static final int MAX_ENTRIES = 200;
    static final int MAX_VALUE_CHARS = 2000;

    /** One difference; {@code before}/{@code after} are JSON text, empty when absent. */
    public record Entry(String op, String path, String before, String after) {
    }

    private DefinitionDiff() {
    }

    public static List<Entry> of(JsonNode before, JsonNode after) {
        List<Entry> out = new ArrayList<>();
        walk("", before, after, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<Entry> out) {
        if (out.size() >= MAX_ENTRIES || a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String p = path + "/" + n.replace("~", "~0").replace("/", "~1");
                if (!a.has(n)) {
                    add(out, "added", p, null, b.get(n));
                } else if (!b.has(n)) {
                    add(out, "removed", p, a.get(n), null);
                } else {
                    walk(p, a.get(n), b.get(n), out);
                }
            }
            return;
        }
        if (a.isArray() && b.isArray()) {
            Iterator<JsonNode> x = a.elements();
            Iterator<JsonNode> y = b.elements();
            int i = 0;
            while (x.hasNext() || y.hasNext()) {
                String p = path + "/" + i++;
                if (!x.hasNext()) {
                    add(out, "added", p, null, y.next());
                } else if (!y.hasNext()) {
                    add(out, "removed", p, x.next(), null);
                } else {
                    walk(p, x.next(), y.next(), out);
                }
            }
            return;
        }
        add(out, "changed", path, a, b);
    }

    private static void add(List<Entry> out, String op, String path, JsonNode before, JsonNode after) {
        if (out.size() < MAX_ENTRIES) {
            out.add(new Entry(op, path, text(before), text(after)));
        }
    }

    private static String text(JsonNode n) {
        if (n == null) {
            return "";
        }
        String s = n.toString();
        return s.length() > MAX_VALUE_CHARS ? s.substring(0, MAX_VALUE_CHARS) + "…" : s;
    }
}
