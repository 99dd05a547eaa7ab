package dev.toolgate.gateway.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.List;

/**
 * A SQL tool as an admin declares it (before the database has checked it). Immutable.
 *
 * @param inputSchemaJson empty: derive the schema from the parameters
 * @param maxRows         0: {@link dev.toolgate.gateway.catalog.SqlBinding#DEFAULT_MAX_ROWS}
 * @param timeout         zero: the default tool timeout
 * @param examplesJson    empty or a JSON array of example argument objects
 * @param fixed           parameters whose values are set here, not by callers (discovery tools)
 */
public record SqlToolDeclaration(String name, String description, String sql, List<Parameter> parameters,
        String inputSchemaJson, boolean readOnly, int maxRows, Duration timeout, boolean destructive,
        boolean idempotent, boolean requiresConfirmation, String examplesJson, Map<String, JsonNode> fixed) {

    /** A declared parameter; {@code type} empty means "as the database infers". */
    public record Parameter(String name, String type, String description, boolean optional) {
        public Parameter {
            requireNonNull(name, "name");
            requireNonNull(type, "type");
            requireNonNull(description, "description");
        }
    }

    public SqlToolDeclaration {
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(sql, "sql");
        parameters = List.copyOf(requireNonNull(parameters, "parameters"));
        requireNonNull(inputSchemaJson, "inputSchemaJson");
        requireNonNull(timeout, "timeout");
        requireNonNull(examplesJson, "examplesJson");
        fixed = Map.copyOf(requireNonNull(fixed, "fixed"));
    }

    public SqlToolDeclaration(String name, String description, String sql, List<Parameter> parameters,
            String inputSchemaJson, boolean readOnly, int maxRows, Duration timeout, boolean destructive,
            boolean idempotent, boolean requiresConfirmation, String examplesJson) {
        this(name, description, sql, parameters, inputSchemaJson, readOnly, maxRows, timeout, destructive, idempotent,
                requiresConfirmation, examplesJson, Map.of());
    }
}
