package dev.toolgate.gateway.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.proto.v1.PutSqlIntegrationRequest;
import dev.toolgate.proto.v1.SqlConnectionSpec;
import dev.toolgate.proto.v1.SqlParameterSpec;
import dev.toolgate.proto.v1.SqlToolSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a SQL integration file (YAML, see docs/sql.md) into a {@link PutSqlIntegrationRequest}.
 * Unknown keys and wrong shapes are errors naming the path ({@code tools[2].max_rows}); the
 * gateway checks the rest (queries, types, names) when the request arrives.
 */
final class SqlFile {
    private static final Set<String> TOP = Set.of("description", "connection", "tools");
    private static final Set<String> CONNECTION = Set.of("jdbc_url", "user", "password_secret", "pool_size",
            "discovery_schemas");
    private static final Set<String> TOOL = Set.of("name", "description", "sql", "parameters", "input_schema",
            "read_only", "max_rows", "timeout", "destructive", "idempotent", "requires_confirmation", "examples");
    private static final Set<String> PARAMETER = Set.of("type", "description", "optional");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    private SqlFile() {
    }

    /** Thrown for a file that cannot become a request; the message names the place. */
    static final class SqlFileException extends RuntimeException {
        SqlFileException(String message) {
            super(message, null, false, false);
        }
    }

    static PutSqlIntegrationRequest read(String tenant, String integration, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(2 * 1024 * 1024);
        options.setAllowDuplicateKeys(false);
        Object root;
        try {
            root = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                    options, new PlainDates()).load(text);
        } catch (MarkedYAMLException e) {
            throw new SqlFileException("not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ", column "
                    + (e.getProblemMark().getColumn() + 1) + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new SqlFileException("not valid YAML: " + e.getMessage());
        }
        Map<String, Object> top = map(root, "the file", TOP);
        PutSqlIntegrationRequest.Builder b = PutSqlIntegrationRequest.newBuilder().setTenant(tenant)
                .setIntegration(integration).setDescription(string(top, "description", "description", ""));
        Map<String, Object> c = map(required(top, "connection", "the file"), "connection", CONNECTION);
        SqlConnectionSpec.Builder connection = SqlConnectionSpec.newBuilder()
                .setJdbcUrl(string(c, "jdbc_url", "connection.jdbc_url", null))
                .setUser(string(c, "user", "connection.user", null))
                .setPasswordSecret(string(c, "password_secret", "connection.password_secret", ""))
                .setPoolSize(integer(c, "pool_size", "connection.pool_size", 0));
        for (Object s : list(c.get("discovery_schemas"), "connection.discovery_schemas")) {
            connection.addDiscoverySchemas(scalar(s, "connection.discovery_schemas[]"));
        }
        b.setConnection(connection);
        List<Object> tools = list(top.get("tools"), "tools");
        for (int i = 0; i < tools.size(); i++) {
            b.addTools(tool(map(tools.get(i), "tools[" + i + "]", TOOL), "tools[" + i + "]"));
        }
        return b.build();
    }

    private static SqlToolSpec tool(Map<String, Object> t, String at) {
        SqlToolSpec.Builder b = SqlToolSpec.newBuilder()
                .setName(string(t, "name", at + ".name", null))
                .setDescription(string(t, "description", at + ".description", null))
                .setSql(string(t, "sql", at + ".sql", null))
                .setMaxRows(integer(t, "max_rows", at + ".max_rows", 0))
                .setDestructive(bool(t, "destructive", at))
                .setIdempotent(bool(t, "idempotent", at))
                .setRequiresConfirmation(bool(t, "requires_confirmation", at));
        if (t.containsKey("read_only")) {
            b.setAllowWrites(!bool(t, "read_only", at));
        }
        if (t.containsKey("timeout")) {
            Duration d = duration(string(t, "timeout", at + ".timeout", null), at + ".timeout");
            b.setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()));
        }
        Object parameters = t.get("parameters");
        if (parameters != null) {
            Map<String, Object> byName = map(parameters, at + ".parameters", null);
            byName.forEach((name, spec) -> {
                String pAt = at + ".parameters." + name;
                SqlParameterSpec.Builder p = SqlParameterSpec.newBuilder().setName(name);
                if (spec instanceof Map<?, ?>) {
                    Map<String, Object> m = map(spec, pAt, PARAMETER);
                    p.setType(string(m, "type", pAt + ".type", "")).setDescription(string(m, "description",
                            pAt + ".description", "")).setNotRequired(bool(m, "optional", pAt));
                } else {
                    p.setType(scalar(spec, pAt)); // short form: `email: text`
                }
                b.addParameters(p);
            });
        }
        if (t.containsKey("input_schema")) {
            b.setInputSchemaJson(json(t.get("input_schema"), at + ".input_schema"));
        }
        if (t.containsKey("examples")) {
            b.setExamplesJson(json(list(t.get("examples"), at + ".examples"), at + ".examples"));
        }
        return b.build();
    }

    /** YAML 1.1 resolution minus timestamps: a date in an example stays the text the author wrote. */
    private static final class PlainDates extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
            addImplicitResolver(Tag.INT, INT, "-+0123456789");
            addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
            addImplicitResolver(Tag.MERGE, MERGE, "<");
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, EMPTY, null);
        }
    }

    static Duration duration(String text, String at) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SqlFileException(at + ": '" + text + "' is not a duration such as 500ms, 5s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String at, Set<String> allowed) {
        if (!(node instanceof Map<?, ?> m)) {
            throw new SqlFileException(at + " must be a mapping");
        }
        for (Object key : m.keySet()) {
            if (!(key instanceof String k)) {
                throw new SqlFileException(at + ": key " + key + " must be text");
            }
            if (allowed != null && !allowed.contains(k)) {
                throw new SqlFileException(at + ": unknown key '" + k + "'; expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return (Map<String, Object>) m;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String at) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> l)) {
            throw new SqlFileException(at + " must be a list");
        }
        return new ArrayList<>((List<Object>) l);
    }

    private static Object required(Map<String, Object> m, String key, String at) {
        Object v = m.get(key);
        if (v == null) {
            throw new SqlFileException(at + ": '" + key + "' is required");
        }
        return v;
    }

    private static String string(Map<String, Object> m, String key, String at, String fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) {
                throw new SqlFileException(at + " is required");
            }
            return fallback;
        }
        return scalar(v, at);
    }

    private static String scalar(Object v, String at) {
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new SqlFileException(at + " must be a single value");
        }
        return String.valueOf(v);
    }

    private static int integer(Map<String, Object> m, String key, String at, int fallback) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer i)) {
            throw new SqlFileException(at + " must be a whole number");
        }
        return i;
    }

    private static boolean bool(Map<String, Object> m, String key, String at) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new SqlFileException(at + "." + key + " must be true or false");
        }
        return b;
    }

    private static String json(Object value, String at) {
        try {
            return JsonSupport.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SqlFileException(at + " cannot be written as JSON: " + e.getOriginalMessage());
        }
    }
}
