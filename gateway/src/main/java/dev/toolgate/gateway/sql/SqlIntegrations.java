package dev.toolgate.gateway.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.toolgate.gateway.catalog.CatalogWriter;
import dev.toolgate.gateway.catalog.SqlBinding;
import dev.toolgate.gateway.catalog.SqlText;
import dev.toolgate.gateway.catalog.SqlType;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.egress.EgressGuard;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretStore;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Declares SQL integrations: checks every query (one statement, known parameter types), asks
 * the database to describe it (syntax, tables, inferred parameter types, result columns), derives
 * input schemas, adds the optional discovery tools, and stores the whole set as one change.
 * Any problem refuses the request and writes nothing.
 */
@Singleton
public class SqlIntegrations {
    public static final int MAX_TOOLS = 500;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final CatalogWriter writer;
    private final SecretStore secrets;
    private final EgressGuard egress;

    public SqlIntegrations(CatalogWriter writer, SecretStore secrets, EgressGuard egress) {
        this.writer = requireNonNull(writer, "writer");
        this.secrets = requireNonNull(secrets, "secrets");
        this.egress = requireNonNull(egress, "egress");
    }

    /** What a put did. */
    public record Report(CatalogWriter.ToolSetChange change, List<Summary> tools) {
    }

    /** A tool as stored: parameters with the types they bind as, and the result columns. */
    public record Summary(String name, List<String> parameters, boolean readOnly, List<String> columns) {
    }

    private record Checked(SqlToolDeclaration declaration, SqlText text) {
    }

    private record Described(Map<String, SqlType> types, List<String> columns) {
    }

    public Report put(String tenant, String integration, String description, SqlConnection connection,
            List<SqlToolDeclaration> declared) {
        List<FieldViolation> problems = new ArrayList<>(connection.check("connection"));
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        List<SqlToolDeclaration> all = new ArrayList<>(declared);
        all.addAll(DiscoveryTools.of(connection.discoverySchemas()));
        if (all.isEmpty()) {
            problems.add(new FieldViolation("tools", "declare at least one tool (or discovery_schemas)"));
        } else if (all.size() > MAX_TOOLS) {
            problems.add(new FieldViolation("tools", "at most " + MAX_TOOLS + " tools per integration"));
        }
        List<Checked> checked = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            String field = i < declared.size() ? "tools[" + i + "]" : "connection.discovery_schemas";
            SqlToolDeclaration d = all.get(i);
            if (!names.add(d.name())) {
                problems.add(new FieldViolation(field + ".name", "tool '" + d.name() + "' is declared twice"
                        + (i >= declared.size() ? " (the discovery tools are list_tables and describe_table)" : "")));
            }
            checked.add(check(field, d, problems));
        }
        Identifiers.requireNoLocatedViolations(problems);
        for (InetSocketAddress server : connection.servers()) {
            egress.check(tenant, server.getHostString(), server.getPort(),
                    "the database of integration '" + integration + "'");
        }
        String password = password(tenant, connection);
        List<Described> described = describe(connection, password, checked, declared.size());
        List<ToolSpec> specs = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            String field = i < declared.size() ? "tools[" + i + "]" : "connection.discovery_schemas";
            specs.add(spec(tenant, integration, field, checked.get(i), described.get(i), problems));
            summaries.add(summary(checked.get(i), described.get(i)));
        }
        Identifiers.requireNoLocatedViolations(problems);
        CatalogWriter.ToolSetChange change = writer.replaceSqlTools(tenant, integration, connection.jdbcUrl(),
                connection.toJson(), connection.passwordSecret(), description, specs);
        return new Report(change, summaries);
    }

    /** The checks that need no database. */
    private static Checked check(String field, SqlToolDeclaration d, List<FieldViolation> problems) {
        SqlText text = null;
        try {
            text = SqlText.parse(d.sql());
        } catch (SqlText.SqlTextException e) {
            problems.add(new FieldViolation(field + ".sql", e.getMessage()));
        }
        Set<String> seen = new HashSet<>();
        for (int p = 0; p < d.parameters().size(); p++) {
            SqlToolDeclaration.Parameter parameter = d.parameters().get(p);
            String pf = field + ".parameters[" + p + "]";
            if (!seen.add(parameter.name())) {
                problems.add(new FieldViolation(pf + ".name", "parameter '" + parameter.name() + "' is declared twice"));
            }
            if (text != null && !text.names().contains(parameter.name())) {
                problems.add(new FieldViolation(pf + ".name", "the query has no parameter :" + parameter.name()
                        + (text.names().isEmpty() ? "" : "; it has :" + String.join(", :", text.names()))));
            }
            if (!parameter.type().isEmpty() && SqlType.parse(parameter.type()).isEmpty()) {
                problems.add(new FieldViolation(pf + ".type", "unknown type '" + parameter.type() + "'; use one of "
                        + SqlType.KNOWN));
            }
        }
        if (d.maxRows() < 0 || d.maxRows() > SqlBinding.MAX_ROWS) {
            problems.add(new FieldViolation(field + ".max_rows", "max_rows must be 1-" + SqlBinding.MAX_ROWS
                    + " (0 for " + SqlBinding.DEFAULT_MAX_ROWS + "), but was " + d.maxRows()));
        }
        if (d.readOnly() && (d.destructive())) {
            problems.add(new FieldViolation(field + ".destructive", "a read-only tool cannot be destructive;"
                    + " set read_only: false for a query that writes"));
        }
        if (!d.examplesJson().isEmpty()) {
            try {
                JsonNode examples = JsonSupport.untrusted(16, 64 * 1024).readTree(d.examplesJson());
                if (!examples.isArray() || !allObjects(examples)) {
                    problems.add(new FieldViolation(field + ".examples", "examples must be a list of argument objects"));
                }
            } catch (JsonProcessingException e) {
                problems.add(new FieldViolation(field + ".examples", "examples are not valid JSON: "
                        + e.getOriginalMessage()));
            }
        }
        return new Checked(d, text);
    }

    private static boolean allObjects(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject()) {
                return false;
            }
        }
        return true;
    }

    private String password(String tenant, SqlConnection connection) {
        if (connection.passwordSecret().isEmpty()) {
            return "";
        }
        return secrets.reveal(tenant, connection.passwordSecret()).orElseThrow(() -> GatewayException
                .failedPrecondition("SECRET_NOT_FOUND", "secret '" + connection.passwordSecret() + "' does not exist"
                        + " in tenant '" + tenant + "'; store the database password with PutSecret first"));
    }

    /**
     * Asks the database to describe every query, without running any, in a read-only
     * transaction that is rolled back.
     */
    private static List<Described> describe(SqlConnection connection, String password, List<Checked> checked,
            int declaredCount) {
        Properties props = new Properties();
        props.setProperty("user", connection.user());
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(CHECK_TIMEOUT.toSeconds()));
        props.setProperty("socketTimeout", String.valueOf(CHECK_TIMEOUT.toSeconds() * 3));
        props.setProperty("ApplicationName", "toolgate");
        List<FieldViolation> problems = new ArrayList<>();
        List<Described> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(connection.jdbcUrl(), props)) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (var s = c.createStatement()) {
                s.execute("SET LOCAL statement_timeout = " + CHECK_TIMEOUT.toMillis()
                        + "; SET LOCAL standard_conforming_strings = on");
            }
            for (int i = 0; i < checked.size(); i++) {
                String field = i < declaredCount ? "tools[" + i + "]" : "connection.discovery_schemas";
                out.add(describeOne(c, field, checked.get(i), problems));
            }
            c.rollback();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("28")) {
                throw GatewayException.failedPrecondition("DATABASE_LOGIN_FAILED", "the database refused the login"
                        + " of user '" + connection.user() + "': " + firstLine(e.getMessage()) + "; check user and"
                        + " password_secret");
            }
            throw GatewayException.unavailable("DATABASE_UNAVAILABLE", "cannot reach the database to check the"
                    + " queries (" + firstLine(e.getMessage()) + "); nothing was changed, retry when it is up",
                    Map.of());
        }
        Identifiers.requireNoLocatedViolations(problems);
        return out;
    }

    private static Described describeOne(Connection c, String field, Checked checked, List<FieldViolation> problems)
            throws SQLException {
        Map<String, SqlType> types = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        try (var savepoint = new Savepoint(c); PreparedStatement ps = c.prepareStatement(checked.text().jdbcSql())) {
            ParameterMetaData meta = ps.getParameterMetaData();
            List<String> order = checked.text().parameters();
            for (int p = 0; p < order.size(); p++) {
                String name = order.get(p);
                String dbType = meta.getParameterTypeName(p + 1);
                SqlType declared = checked.declaration().parameters().stream().filter(x -> x.name().equals(name))
                        .map(SqlToolDeclaration.Parameter::type).filter(t -> !t.isEmpty())
                        .map(t -> SqlType.parse(t).orElseThrow()).findFirst().orElse(null);
                if (declared != null) {
                    types.putIfAbsent(name, declared);
                } else if (!types.containsKey(name)) {
                    SqlType inferred = SqlType.parse(dbType == null ? "" : dbType).orElse(null);
                    if (inferred == null) {
                        problems.add(new FieldViolation(field + ".parameters", "the database infers type '" + dbType
                                + "' for :" + name + ", which cannot be bound directly; declare it as text and cast"
                                + " in the query (:" + name + "::" + dbType + ")"));
                    } else {
                        types.put(name, inferred);
                    }
                }
            }
            ResultSetMetaData result = ps.getMetaData();
            if (result != null) {
                for (int col = 1; col <= result.getColumnCount(); col++) {
                    columns.add(result.getColumnLabel(col) + " " + result.getColumnTypeName(col));
                }
            }
            savepoint.release();
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("08") || state.startsWith("57")) {
                throw e;
            }
            problems.add(new FieldViolation(field + ".sql", "the database refused the query: "
                    + firstLine(e.getMessage())));
        }
        return new Described(types, columns);
    }

    /** A savepoint around one describe, so one refused query does not abort the checks of the others. */
    private static final class Savepoint implements AutoCloseable {
        private final Connection c;
        private final java.sql.Savepoint point;
        private boolean released;

        Savepoint(Connection c) throws SQLException {
            this.c = c;
            this.point = c.setSavepoint();
        }

        void release() throws SQLException {
            c.releaseSavepoint(point);
            released = true;
        }

        @Override
        public void close() throws SQLException {
            if (!released) {
                c.rollback(point);
            }
        }
    }

    private static ToolSpec spec(String tenant, String integration, String field, Checked checked, Described d,
            List<FieldViolation> problems) {
        SqlToolDeclaration decl = checked.declaration();
        Map<String, JsonNode> fixed = decl.fixed();
        SqlBinding binding = new SqlBinding(checked.text(), d.types(), decl.readOnly(),
                decl.maxRows() == 0 ? SqlBinding.DEFAULT_MAX_ROWS : decl.maxRows(), fixed);
        String schema = decl.inputSchemaJson().isEmpty() ? derivedSchema(decl, binding) : decl.inputSchemaJson();
        ToolAnnotations annotations = decl.readOnly()
                ? new ToolAnnotations(true, false, true, false, decl.requiresConfirmation())
                : new ToolAnnotations(false, decl.destructive(), decl.idempotent(), false, decl.requiresConfirmation());
        Duration timeout = decl.timeout().isZero() ? ToolSpec.DEFAULT_TIMEOUT : decl.timeout();
        if (!decl.inputSchemaJson().isEmpty() && !decl.examplesJson().isEmpty()) {
            problems.add(new FieldViolation(field + ".examples", "put examples inside input_schema_json when you"
                    + " declare the schema yourself"));
        }
        return new ToolSpec(tenant, integration, decl.name(), decl.description(), schema, annotations, binding, timeout);
    }

    /** An object schema with one property per argument, required unless declared optional. */
    private static String derivedSchema(SqlToolDeclaration decl, SqlBinding binding) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = JsonNodeFactory.instance.arrayNode();
        for (String name : binding.arguments()) {
            ObjectNode property = binding.types().get(name).schema();
            SqlToolDeclaration.Parameter declared = decl.parameters().stream().filter(p -> p.name().equals(name))
                    .findFirst().orElse(null);
            if (declared != null && !declared.description().isEmpty()) {
                property.set("description", TextNode.valueOf(declared.description()));
            }
            properties.set(name, property);
            if (declared == null || !declared.optional()) {
                required.add(name);
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        if (!decl.examplesJson().isEmpty()) {
            try {
                schema.set("examples", JsonSupport.mapper().readTree(decl.examplesJson()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("examples were checked", e);
            }
        }
        return schema.toString();
    }

    private static Summary summary(Checked checked, Described d) {
        List<String> params = new ArrayList<>();
        Map<String, JsonNode> fixed = checked.declaration().fixed();
        d.types().forEach((name, type) -> {
            if (!fixed.containsKey(name)) {
                boolean optional = checked.declaration().parameters().stream()
                        .anyMatch(p -> p.name().equals(name) && p.optional());
                params.add(name + " " + type.display() + (optional ? " (optional)" : ""));
            }
        });
        return new Summary(checked.declaration().name(), params, checked.declaration().readOnly(), d.columns());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
