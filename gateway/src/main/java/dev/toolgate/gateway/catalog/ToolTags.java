package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tool's tags (e.g. the OpenAPI operation's {@code tags}: {@code "pulls"}, {@code "Issue
 * Comments"}): at most {@value #MAX_TAGS}, each 1–{@value #MAX_LENGTH} characters of visible text
 * (spaces inside allowed, no control or invisible characters), kept as written, trimmed, and
 * without repeats; tags are compared without regard to case. Immutable.
 */
public record ToolTags(List<String> values) {
    public static final int MAX_TAGS = 32;
    public static final int MAX_LENGTH = 64;
    public static final ToolTags NONE = new ToolTags(List.of());

    public ToolTags {
        values = List.copyOf(requireNonNull(values, "values"));
    }

    /**
     * The tags of {@code raw}, checked: a bad tag is a violation of {@code field} (nothing kept).
     * Repeats (in any case) are dropped.
     */
    public static ToolTags of(String field, Collection<String> raw, List<FieldViolation> problems) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String tag : raw) {
            Optional<String> why = problem(tag);
            if (why.isPresent()) {
                problems.add(new FieldViolation(field, "tag '" + Identifiers.abbreviate(tag) + "' " + why.get()));
                continue;
            }
            kept.putIfAbsent(key(tag.strip()), tag.strip());
        }
        if (kept.size() > MAX_TAGS) {
            problems.add(new FieldViolation(field, "a tool may have at most " + MAX_TAGS + " tags, not " + kept.size()));
        }
        return new ToolTags(new ArrayList<>(kept.values()));
    }

    /**
     * The usable tags of an upstream's document (an OpenAPI operation, an MCP tool): bad ones are
     * left out rather than refusing the tool, and at most {@value #MAX_TAGS} are kept.
     */
    public static ToolTags lenient(Collection<String> raw) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String tag : raw) {
            if (tag != null && problem(tag).isEmpty() && kept.size() < MAX_TAGS) {
                kept.putIfAbsent(key(tag.strip()), tag.strip());
            }
        }
        return new ToolTags(new ArrayList<>(kept.values()));
    }

    /** What is wrong with {@code tag}, if anything. */
    private static Optional<String> problem(String tag) {
        if (tag == null || tag.isBlank()) {
            return Optional.of("is empty");
        }
        String t = tag.strip();
        if (t.length() > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                    || type == Character.PRIVATE_USE || type == Character.SURROGATE
                    || Character.isWhitespace(cp) && cp != ' ') {
                return Optional.of("holds a control, invisible or unusual space character (U+"
                        + String.format("%04X", cp) + ")");
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }

    /** How tags compare: {@code Pull Requests} and {@code pull requests} are one tag. */
    public static String key(String tag) {
        return tag.strip().toLowerCase(Locale.ROOT);
    }

    /** True when one of this tool's tags is {@code tag} (in any case). */
    public boolean has(String tag) {
        String k = key(tag);
        return values.stream().anyMatch(v -> key(v).equals(k));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The stored form: a JSON array. */
    public String toJson() {
        return JsonSupport.mapper().valueToTree(values).toString();
    }

    /** Reads {@link #toJson()}; anything else stored there counts as no tags. */
    public static ToolTags fromJson(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            JsonNode node = JsonSupport.mapper().readTree(json);
            List<String> out = new ArrayList<>();
            node.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
            return new ToolTags(out);
        } catch (JsonProcessingException e) {
            return NONE;
        }
    }
}
