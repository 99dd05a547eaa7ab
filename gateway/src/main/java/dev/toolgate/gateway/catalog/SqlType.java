package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Types;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The type of a query parameter: how a JSON argument is checked (as a JSON Schema) and bound
 * (as a JDBC value). Arrays of every base type are allowed ({@code text[]}). Immutable.
 */
public record SqlType(Base base, boolean array) {
    public static final int MAX_ARRAY_ITEMS = 1000;

    /** The base types a parameter can have, with their PostgreSQL names. */
    public enum Base {
        TEXT("text", Types.VARCHAR),
        INTEGER("int4", Types.INTEGER),
        BIGINT("int8", Types.BIGINT),
        NUMERIC("numeric", Types.NUMERIC),
        DOUBLE("float8", Types.DOUBLE),
        BOOLEAN("bool", Types.BOOLEAN),
        DATE("date", Types.DATE),
        TIME("time", Types.TIME),
        TIMESTAMP("timestamp", Types.TIMESTAMP),
        TIMESTAMPTZ("timestamptz", Types.TIMESTAMP_WITH_TIMEZONE),
        UUID("uuid", Types.OTHER),
        JSON("json", Types.OTHER),
        JSONB("jsonb", Types.OTHER);

        private final String pgName;
        private final int jdbcType;

        Base(String pgName, int jdbcType) {
            this.pgName = pgName;
            this.jdbcType = jdbcType;
        }

        public String pgName() {
            return pgName;
        }

        public int jdbcType() {
            return jdbcType;
        }
    }

    private static final Map<String, Base> NAMES = Map.ofEntries(
            Map.entry("text", Base.TEXT), Map.entry("varchar", Base.TEXT), Map.entry("character varying", Base.TEXT),
            Map.entry("char", Base.TEXT), Map.entry("bpchar", Base.TEXT), Map.entry("character", Base.TEXT),
            Map.entry("name", Base.TEXT), Map.entry("citext", Base.TEXT), Map.entry("string", Base.TEXT),
            Map.entry("integer", Base.INTEGER), Map.entry("int", Base.INTEGER), Map.entry("int4", Base.INTEGER),
            Map.entry("int2", Base.INTEGER), Map.entry("smallint", Base.INTEGER),
            Map.entry("bigint", Base.BIGINT), Map.entry("int8", Base.BIGINT),
            Map.entry("numeric", Base.NUMERIC), Map.entry("decimal", Base.NUMERIC),
            Map.entry("double precision", Base.DOUBLE), Map.entry("float8", Base.DOUBLE), Map.entry("float4", Base.DOUBLE),
            Map.entry("real", Base.DOUBLE), Map.entry("double", Base.DOUBLE), Map.entry("number", Base.DOUBLE),
            Map.entry("boolean", Base.BOOLEAN), Map.entry("bool", Base.BOOLEAN),
            Map.entry("date", Base.DATE), Map.entry("time", Base.TIME),
            Map.entry("timestamp", Base.TIMESTAMP), Map.entry("timestamp without time zone", Base.TIMESTAMP),
            Map.entry("timestamptz", Base.TIMESTAMPTZ), Map.entry("timestamp with time zone", Base.TIMESTAMPTZ),
            Map.entry("uuid", Base.UUID), Map.entry("json", Base.JSON), Map.entry("jsonb", Base.JSONB));

    /** The names {@link #parse} accepts, for error messages. */
    public static final String KNOWN = "text, integer, bigint, numeric, double precision, boolean, date, time,"
            + " timestamp, timestamptz, uuid, json, jsonb (and arrays of them, e.g. text[])";

    /**
     * A declared type name ({@code text}, {@code timestamptz}, {@code integer[]}) or a name the
     * database reports ({@code int4}, {@code _int4}, {@code varchar}); case-insensitive.
     */
    public static Optional<SqlType> parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        boolean array = false;
        if (n.endsWith("[]")) {
            array = true;
            n = n.substring(0, n.length() - 2).strip();
        } else if (n.startsWith("_")) {
            array = true;
            n = n.substring(1);
        }
        Base base = NAMES.get(n);
        return base == null ? Optional.empty() : Optional.of(new SqlType(base, array));
    }

    /** The name written in files and shown to people: {@code text}, {@code integer[]}. */
    public String display() {
        String name = switch (base) {
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            default -> base.pgName();
        };
        return array ? name + "[]" : name;
    }

    /** The JSON Schema an argument of this type must match. */
    public ObjectNode schema() {
        ObjectNode item = baseSchema();
        if (!array) {
            return item;
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "array");
        node.set("items", item);
        node.put("maxItems", MAX_ARRAY_ITEMS);
        return node;
    }

    private ObjectNode baseSchema() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        switch (base) {
            case TEXT -> node.put("type", "string");
            case INTEGER -> node.put("type", "integer").put("minimum", Integer.MIN_VALUE).put("maximum", Integer.MAX_VALUE);
            case BIGINT -> node.put("type", "integer").put("minimum", Long.MIN_VALUE).put("maximum", Long.MAX_VALUE);
            case NUMERIC -> {
                node.putArray("type").add("number").add("string");
                node.put("pattern", "^-?[0-9]+(\\.[0-9]+)?$");
                node.put("description", "an exact decimal, as a number or a string such as \"12.50\"");
            }
            case DOUBLE -> node.put("type", "number");
            case BOOLEAN -> node.put("type", "boolean");
            case DATE -> node.put("type", "string").put("format", "date");
            case TIME -> node.put("type", "string").put("pattern", "^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?$");
            case TIMESTAMP -> node.put("type", "string")
                    .put("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?$");
            case TIMESTAMPTZ -> node.put("type", "string").put("format", "date-time");
            case UUID -> node.put("type", "string").put("format", "uuid");
            case JSON, JSONB -> {
                // any JSON value
            }
        }
        return node;
    }
}
