package dev.toolgate.gateway.sql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.SqlBinding;
import dev.toolgate.gateway.catalog.SqlType;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns validated JSON arguments into the values bound to a query's placeholders. Values are
 * always bound through {@link PreparedStatement} setters, never written into the SQL text. An
 * absent or null argument binds SQL NULL. Immutable.
 */
public final class SqlArguments {
    private final List<SqlType> types;
    private final List<Object> values;

    private SqlArguments(List<SqlType> types, List<Object> values) {
        this.types = types;
        this.values = values;
    }

    /**
     * Converts the arguments of one call, placeholder by placeholder.
     *
     * @throws GatewayException INVALID_ARGUMENT naming each argument that cannot be converted
     *         (an unparseable date, an out-of-range number)
     */
    public static SqlArguments convert(SqlBinding binding, JsonNode arguments) {
        List<SqlType> types = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        List<FieldViolation> problems = new ArrayList<>();
        for (String name : binding.query().parameters()) {
            SqlType type = binding.types().get(name);
            JsonNode value = binding.fixed().containsKey(name) ? binding.fixed().get(name) : arguments.get(name);
            types.add(type);
            try {
                values.add(value == null || value.isNull() ? null : convert(type, value));
            } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
                problems.add(new FieldViolation("/" + name, "'" + name + "' is not a valid " + type.display() + ": "
                        + e.getMessage()));
                values.add(null);
            }
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument(problems.getFirst().message(), problems);
        }
        return new SqlArguments(List.copyOf(types), values);
    }

    /** Binds every value to its placeholder (1-based, in order). */
    public void bind(Connection connection, PreparedStatement statement) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            SqlType type = types.get(i);
            Object value = values.get(i);
            int index = i + 1;
            if (value == null) {
                statement.setNull(index, type.array() ? Types.ARRAY : type.base().jdbcType());
            } else if (type.array()) {
                statement.setArray(index, connection.createArrayOf(type.base().pgName(), ((List<?>) value).toArray()));
            } else if (type.base() == SqlType.Base.JSON || type.base() == SqlType.Base.JSONB) {
                statement.setObject(index, value, Types.OTHER);
            } else {
                statement.setObject(index, value);
            }
        }
    }

    private static Object convert(SqlType type, JsonNode value) {
        if (!type.array()) {
            return scalar(type.base(), value);
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException("an array is expected");
        }
        List<Object> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            items.add(item.isNull() ? null : scalar(type.base(), item));
        }
        return items;
    }

    private static Object scalar(SqlType.Base base, JsonNode v) {
        return switch (base) {
            case TEXT -> text(v);
            case INTEGER -> {
                if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
                    throw new IllegalArgumentException("a whole number between -2147483648 and 2147483647 is expected");
                }
                yield v.intValue();
            }
            case BIGINT -> {
                if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
                    throw new IllegalArgumentException("a whole number within 64 bits is expected");
                }
                yield v.longValue();
            }
            case NUMERIC -> v.isNumber() ? v.decimalValue() : new BigDecimal(text(v));
            case DOUBLE -> {
                if (!v.isNumber()) {
                    throw new IllegalArgumentException("a number is expected");
                }
                yield v.doubleValue();
            }
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw new IllegalArgumentException("true or false is expected");
                }
                yield v.booleanValue();
            }
            case DATE -> LocalDate.parse(text(v));
            case TIME -> LocalTime.parse(text(v));
            case TIMESTAMP -> LocalDateTime.parse(text(v));
            case TIMESTAMPTZ -> OffsetDateTime.parse(text(v));
            case UUID -> UUID.fromString(text(v));
            case JSON, JSONB -> v.toString();
        };
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw new IllegalArgumentException("a string is expected");
        }
        String s = v.textValue();
        if (s.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("text must not contain the NUL character");
        }
        return s;
    }
}
