package dev.toolgate.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An API key's labels: facts about the agent ({@code team: support}) that policies test as
 * {@code agent.labels["team"]}. At most {@value #MAX_LABELS}; names follow the scope syntax,
 * values are up to {@value #MAX_VALUE_CHARS} printable chars. Stored as a JSON object.
 */
public final class KeyLabels {
    public static final int MAX_LABELS = 20;
    public static final int MAX_VALUE_CHARS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> TYPE = new TypeReference<>() { };

    private KeyLabels() {
    }

    public static List<FieldViolation> check(Map<String, String> labels) {
        List<FieldViolation> problems = new ArrayList<>();
        if (labels.size() > MAX_LABELS) {
            problems.add(new FieldViolation("labels", "at most " + MAX_LABELS + " labels per key, but got " + labels.size()));
            return problems;
        }
        labels.forEach((name, value) -> {
            if (!Scopes.SYNTAX.matcher(name).matches()) {
                problems.add(new FieldViolation("labels", "label name '" + dev.toolgate.gateway.core.Identifiers
                        .abbreviate(name) + "' must be 1-64 chars of lower-case letters, digits and . _ : -"));
            } else if (value.length() > MAX_VALUE_CHARS || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add(new FieldViolation("labels", "label '" + name + "' must be at most " + MAX_VALUE_CHARS
                        + " chars without control characters"));
            }
        });
        return problems;
    }

    public static String toJson(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads stored labels; a row written before labels existed reads as none. */
    public static Map<String, String> parse(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Map.copyOf(JSON.readValue(json, TYPE));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored key labels are not a JSON object of strings", e);
        }
    }
}
