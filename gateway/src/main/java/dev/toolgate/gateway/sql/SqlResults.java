package dev.toolgate.gateway.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A query's rows as JSON, with faithful types (see docs/sql.md for the table): integers and
 * floating-point numbers as JSON numbers, {@code numeric} as an exact decimal string, booleans,
 * dates and times as ISO-8601 ({@code timestamptz} in UTC with {@code Z}), json/jsonb embedded
 * as JSON, arrays as JSON arrays, {@code bytea} as base64, NULL as null, anything else as
 * PostgreSQL's text form. Capped by rows and by bytes: the answer says {@code truncated}.
 *
 * <pre>{"columns":[{"name":"id","type":"int4"}],"rows":[{"id":1}],"row_count":1,"truncated":false}</pre>
 */
final class SqlResults {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SqlResults() {
    }

    /** What was read: the JSON text and whether rows were left out. */
    record Read(String json, boolean truncated, int rows) {
    }

    static Read read(ResultSet rs, int maxRows, int maxBytes) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int count = meta.getColumnCount();
        String[] names = new String[count];
        String[] types = new String[count];
        Set<String> seen = new HashSet<>();
        ArrayNode columns = NODES.arrayNode();
        for (int c = 0; c < count; c++) {
            String label = meta.getColumnLabel(c + 1);
            String name = label;
            for (int n = 2; !seen.add(name); n++) {
                name = label + "_" + n; // two columns with one label: the later one gets a suffix
            }
            names[c] = name;
            types[c] = meta.getColumnTypeName(c + 1).toLowerCase(Locale.ROOT);
            columns.addObject().put("name", name).put("type", types[c]);
        }
        StringBuilder out = new StringBuilder(256);
        long bytes = 0;
        out.append("{\"columns\":").append(columns).append(",\"rows\":[");
        long headerBytes = utf8Length(out);
        int rows = 0;
        boolean truncated = false;
        while (rs.next()) {
            if (rows == maxRows) {
                truncated = true;
                break;
            }
            ObjectNode row = NODES.objectNode();
            for (int c = 0; c < count; c++) {
                row.set(names[c], value(rs, c + 1, types[c]));
            }
            String text = row.toString();
            long rowBytes = utf8Length(text) + 1;
            if (headerBytes + bytes + rowBytes + 64 > maxBytes) { // 64: room for the closing fields
                truncated = true;
                break;
            }
            if (rows > 0) {
                out.append(',');
            }
            out.append(text);
            bytes += rowBytes;
            rows++;
        }
        out.append("],\"row_count\":").append(rows).append(",\"truncated\":").append(truncated).append('}');
        return new Read(out.toString(), truncated, rows);
    }

    /** UTF-8 length of text, without encoding it. */
    static long utf8Length(CharSequence text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < 0x80) {
                n++;
            } else if (ch < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(ch)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The answer of a statement without rows: how many it changed. */
    static String updated(long count) {
        return "{\"columns\":[],\"rows\":[],\"row_count\":" + count + ",\"truncated\":false}";
    }

    private static JsonNode value(ResultSet rs, int c, String type) throws SQLException {
        if (type.startsWith("_")) {
            Array array = rs.getArray(c);
            if (array == null) {
                return NODES.nullNode();
            }
            try {
                return arrayValue(array.getArray(), type.substring(1));
            } finally {
                array.free();
            }
        }
        return switch (type) {
            case "int2", "int4", "int8", "oid", "serial", "bigserial", "smallserial" -> {
                long v = rs.getLong(c);
                yield rs.wasNull() ? NODES.nullNode() : NODES.numberNode(v);
            }
            case "float4" -> {
                float v = rs.getFloat(c);
                yield rs.wasNull() ? NODES.nullNode() : floatNode(v);
            }
            case "float8" -> {
                double v = rs.getDouble(c);
                yield rs.wasNull() ? NODES.nullNode() : doubleNode(v);
            }
            case "numeric" -> numeric(rs.getString(c));
            case "bool" -> {
                boolean v = rs.getBoolean(c);
                yield rs.wasNull() ? NODES.nullNode() : NODES.booleanNode(v);
            }
            case "date" -> text(rs.getObject(c, LocalDate.class));
            case "time" -> {
                LocalTime v = rs.getObject(c, LocalTime.class);
                yield v == null ? NODES.nullNode() : NODES.textNode(DateTimeFormatter.ISO_LOCAL_TIME.format(v));
            }
            case "timestamp" -> {
                LocalDateTime v = rs.getObject(c, LocalDateTime.class);
                yield v == null ? NODES.nullNode() : NODES.textNode(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(v));
            }
            case "timestamptz" -> {
                OffsetDateTime v = rs.getObject(c, OffsetDateTime.class);
                yield v == null ? NODES.nullNode() : NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(v.toInstant()));
            }
            case "json", "jsonb" -> json(rs.getString(c));
            case "bytea" -> {
                byte[] v = rs.getBytes(c);
                yield v == null ? NODES.nullNode() : NODES.textNode(Base64.getEncoder().encodeToString(v));
            }
            default -> text(rs.getString(c));
        };
    }

    private static JsonNode arrayValue(Object array, String elementType) {
        ArrayNode out = NODES.arrayNode();
        for (Object item : (Object[]) array) {
            out.add(element(item, elementType));
        }
        return out;
    }

    private static JsonNode element(Object item, String elementType) {
        if (item == null) {
            return NODES.nullNode();
        }
        if (item instanceof Object[] nested) {
            return arrayValue(nested, elementType);
        }
        return switch (item) {
            case Short s -> NODES.numberNode(s);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Float f -> floatNode(f);
            case Double d -> doubleNode(d);
            case BigDecimal d -> NODES.textNode(d.toPlainString());
            case Boolean b -> NODES.booleanNode(b);
            case java.sql.Date d -> NODES.textNode(d.toLocalDate().toString());
            case java.sql.Timestamp t -> elementType.equals("timestamptz")
                    ? NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(t.toInstant()))
                    : NODES.textNode(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.toLocalDateTime()));
            case java.sql.Time t -> NODES.textNode(DateTimeFormatter.ISO_LOCAL_TIME.format(t.toLocalTime()));
            case byte[] b -> NODES.textNode(Base64.getEncoder().encodeToString(b));
            default -> elementType.equals("json") || elementType.equals("jsonb") ? json(item.toString())
                    : NODES.textNode(item.toString());
        };
    }

    /** The exact decimal as text, with its scale; NaN and infinities as PostgreSQL spells them. */
    private static JsonNode numeric(String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return NODES.textNode(new BigDecimal(text).toPlainString());
        } catch (NumberFormatException e) {
            return NODES.textNode(text); // NaN, Infinity, -Infinity
        }
    }

    private static JsonNode floatNode(float v) {
        return Float.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Float.toString(v));
    }

    private static JsonNode doubleNode(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
    }

    private static JsonNode text(Object v) {
        return v == null ? NODES.nullNode() : NODES.textNode(v.toString());
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return NODES.nullNode();
        }
        try {
            return JsonSupport.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return NODES.textNode(text);
        }
    }

    /** Column names of a result, for registration checks. */
    static List<String> labels(ResultSetMetaData meta) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            out.add(meta.getColumnLabel(c));
        }
        return out;
    }
}
