package dev.toolgate.gateway.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what a transform did to one tool's schema, one note per kind and keyword however often
 * it happened (with a count and the first few places), so a big schema gives a short report. Not
 * thread-safe: one per tool and export.
 */
final class Notes {
    private static final int PLACES = 3;

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private static final class Entry {
        final ExportNote.Kind kind;
        final String what;
        final String why;
        final List<String> places = new ArrayList<>(PLACES);
        int count;

        Entry(ExportNote.Kind kind, String what, String why) {
            this.kind = kind;
            this.what = what;
            this.why = why;
        }
    }

    /**
     * @param what  the keyword or construct, e.g. {@code "format" (uuid)}; empty for a note about the
     *              whole tool, which is then {@code why} alone
     * @param place JSON Pointer into the input schema ({@code ""} for the root)
     * @param why   the provider's rule, the same for every place of one {@code what}
     */
    void add(ExportNote.Kind kind, String what, String place, String why) {
        Entry e = entries.computeIfAbsent(kind + "\u0000" + what, k -> new Entry(kind, what, why));
        e.count++;
        if (e.places.size() < PLACES) {
            e.places.add(place.isEmpty() ? "/" : place);
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    void addAll(Notes other) {
        other.entries.forEach((k, e) -> {
            Entry mine = entries.computeIfAbsent(k, x -> new Entry(e.kind, e.what, e.why));
            for (String p : e.places) {
                if (mine.places.size() < PLACES) {
                    mine.places.add(p);
                }
            }
            mine.count += e.count;
        });
    }

    List<ExportNote> toNotes(String exportedName) {
        List<ExportNote> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            if (e.what.isEmpty()) {
                out.add(new ExportNote(exportedName, e.kind, e.why));
                continue;
            }
            String where = e.count == 1 ? " at " + e.places.get(0)
                    : " at " + e.count + " places (" + String.join(", ", e.places) + (e.count > PLACES ? ", …" : "") + ")";
            out.add(new ExportNote(exportedName, e.kind, e.what + where + ": " + e.why));
        }
        return out;
    }
}
