package dev.toolgate.gateway.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The optional discovery tools of a SQL integration, {@code list_tables} and
 * {@code describe_table}: plain read-only queries on {@code information_schema}, limited to the
 * schemas the admin allows by a fixed parameter the caller cannot change. The database role's
 * own privileges still apply: a role sees only tables it has some privilege on.
 */
final class DiscoveryTools {
    static final String LIST_TABLES = "list_tables";
    static final String DESCRIBE_TABLE = "describe_table";

    private DiscoveryTools() {
    }

    static List<SqlToolDeclaration> of(List<String> schemas) {
        if (schemas.isEmpty()) {
            return List.of();
        }
        ArrayNode allowed = JsonNodeFactory.instance.arrayNode();
        schemas.forEach(allowed::add);
        Map<String, JsonNode> fixed = Map.of("allowed_schemas", allowed);
        List<SqlToolDeclaration.Parameter> schemasParam = List.of(
                new SqlToolDeclaration.Parameter("allowed_schemas", "text[]", "", false));
        String where = String.join(", ", schemas);
        SqlToolDeclaration list = new SqlToolDeclaration(LIST_TABLES,
                "Lists the tables and views of this database in the schemas " + where
                        + ", with their kind. Use describe_table to see a table's columns.",
                """
                SELECT table_schema AS schema, table_name AS name, table_type AS kind
                FROM information_schema.tables
                WHERE table_schema = ANY(:allowed_schemas)
                ORDER BY table_schema, table_name""",
                schemasParam, "", true, 1000, Duration.ZERO, false, true, false, "", fixed);
        SqlToolDeclaration describe = new SqlToolDeclaration(DESCRIBE_TABLE,
                "Describes the columns of a table or view (in the schemas " + where + "): name, type, whether it"
                        + " may be null, default.",
                """
                SELECT table_schema AS schema, column_name AS column, data_type AS type,
                       is_nullable = 'YES' AS nullable, column_default AS default_value
                FROM information_schema.columns
                WHERE table_schema = ANY(:allowed_schemas) AND table_name = :table
                  AND (CAST(:schema AS text) IS NULL OR table_schema = :schema)
                ORDER BY table_schema, ordinal_position""",
                List.of(schemasParam.getFirst(),
                        new SqlToolDeclaration.Parameter("table", "text", "the table or view name", false),
                        new SqlToolDeclaration.Parameter("schema", "text",
                                "the schema, when tables of several schemas share the name", true)),
                "", true, 1000, Duration.ZERO, false, true, false, "", fixed);
        return List.of(list, describe);
    }
}
