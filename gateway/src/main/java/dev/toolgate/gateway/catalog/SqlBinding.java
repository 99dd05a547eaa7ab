package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a tool call becomes one prepared SQL statement: the query with named parameters, each
 * parameter's type, whether it may write, and the row cap. Arguments are bound to the
 * placeholders, never spliced into the text. {@code fixed} parameters take values set at
 * registration (the schemas a discovery tool may look at) and are not arguments. Immutable.
 */
public record SqlBinding(SqlText query, Map<String, SqlType> types, boolean readOnly, int maxRows,
        Map<String, JsonNode> fixed) implements ToolBinding {
    public static final int DEFAULT_MAX_ROWS = 100;
    public static final int MAX_ROWS = 10_000;

    public SqlBinding {
        requireNonNull(query, "query");
        types = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(types, "types")));
        fixed = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(fixed, "fixed")));
    }

    /** The parameters callers supply (every named parameter that is not fixed), in order of first use. */
    public List<String> arguments() {
        return query.names().stream().filter(n -> !fixed.containsKey(n)).toList();
    }

    @Override
    public List<FieldViolation> check() {
        List<FieldViolation> out = new ArrayList<>();
        if (maxRows < 1 || maxRows > MAX_ROWS) {
            out.add(new FieldViolation("max_rows", "max_rows must be 1-" + MAX_ROWS + ", but was " + maxRows));
        }
        for (String name : query.names()) {
            if (!types.containsKey(name)) {
                out.add(new FieldViolation("parameters", "parameter :" + name + " has no type"));
            }
        }
        for (String name : types.keySet()) {
            if (!query.names().contains(name)) {
                out.add(new FieldViolation("parameters", "parameter '" + name + "' is declared but the query never"
                        + " uses :" + name));
            }
        }
        return out;
    }

    @Override
    public String toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("kind", "sql");
        root.put("sql", query.source());
        ObjectNode params = root.putObject("params");
        types.forEach((name, type) -> params.put(name, type.display()));
        root.put("read_only", readOnly);
        root.put("max_rows", maxRows);
        if (!fixed.isEmpty()) {
            ObjectNode f = root.putObject("fixed");
            fixed.forEach(f::set);
        }
        return root.toString();
    }

    public static SqlBinding fromJson(String json) {
        try {
            JsonNode root = JsonSupport.mapper().readTree(json);
            Map<String, SqlType> types = new LinkedHashMap<>();
            root.path("params").properties().forEach(e -> types.put(e.getKey(), SqlType.parse(e.getValue().asText())
                    .orElseThrow(() -> new IllegalArgumentException("unknown stored SQL type " + e.getValue()))));
            Map<String, JsonNode> fixed = new LinkedHashMap<>();
            root.path("fixed").properties().forEach(e -> fixed.put(e.getKey(), e.getValue()));
            return new SqlBinding(SqlText.parse(root.path("sql").asText()), types, root.path("read_only").asBoolean(true),
                    root.path("max_rows").asInt(DEFAULT_MAX_ROWS), fixed);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored SQL binding is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
