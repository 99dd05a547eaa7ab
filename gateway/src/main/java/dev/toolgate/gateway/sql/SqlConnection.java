package dev.toolgate.gateway.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach the database of a {@code sql} integration: a PostgreSQL JDBC URL (host, port,
 * database and a few harmless driver options; never credentials), the user, the secret that
 * holds the password, and the pool size. Immutable; {@link #check} lists every problem.
 *
 * @param discoverySchemas the schemas {@code list_tables} and {@code describe_table} may show;
 *                         empty means the discovery tools are off
 */
public record SqlConnection(String jdbcUrl, String user, String passwordSecret, int poolSize,
        List<String> discoverySchemas) {
    public static final int DEFAULT_POOL_SIZE = 4;
    public static final int MAX_POOL_SIZE = 50;
    private static final String PREFIX = "jdbc:postgresql://";
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?#]+)/([^/?#]+)(\\?([^#]*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(:([0-9]{1,5}))?");
    /**
     * Driver options an admin may set. Others are refused: several make the driver load classes
     * or files named in the URL (socketFactory, sslfactory, loggerFile, …), credentials belong
     * in a secret, and timeouts are the gateway's (a URL option would override them).
     */
    private static final Set<String> ALLOWED_OPTIONS = Set.of("sslmode", "ssl", "applicationname", "currentschema",
            "targetservertype", "tcpkeepalive", "preparethreshold", "loadbalancehosts");

    public SqlConnection {
        requireNonNull(jdbcUrl, "jdbcUrl");
        requireNonNull(user, "user");
        requireNonNull(passwordSecret, "passwordSecret");
        discoverySchemas = List.copyOf(requireNonNull(discoverySchemas, "discoverySchemas"));
    }

    /** Every problem, located under {@code field}. */
    public List<FieldViolation> check(String field) {
        List<FieldViolation> out = new ArrayList<>();
        String hint = "e.g. jdbc:postgresql://db.example.com:5432/crm?sslmode=verify-full";
        Matcher m = URL.matcher(jdbcUrl);
        if (jdbcUrl.length() > 2048) {
            out.add(new FieldViolation(field + ".jdbc_url", "jdbc_url is longer than 2048 chars"));
        } else if (!jdbcUrl.startsWith(PREFIX)) {
            out.add(new FieldViolation(field + ".jdbc_url", "jdbc_url must be a PostgreSQL JDBC URL, " + hint));
        } else if (!m.matches()) {
            out.add(new FieldViolation(field + ".jdbc_url", "jdbc_url must name host(s) and a database, " + hint));
        } else {
            for (String hostPort : m.group(1).split(",")) {
                if (!HOST_PORT.matcher(hostPort).matches()) {
                    out.add(new FieldViolation(field + ".jdbc_url", "'" + hostPort + "' is not a host[:port]; "
                            + "user info belongs in user and password_secret"));
                }
            }
            options(m.group(4) == null ? "" : m.group(4)).keySet().stream()
                    .filter(k -> !ALLOWED_OPTIONS.contains(k.toLowerCase(Locale.ROOT)))
                    .forEach(k -> out.add(new FieldViolation(field + ".jdbc_url", "driver option '" + k
                            + "' is not allowed" + (k.equalsIgnoreCase("user") || k.equalsIgnoreCase("password")
                            ? ": put the user in user and the password in a secret named by password_secret"
                            : "; allowed: sslmode, ssl, ApplicationName, currentSchema, targetServerType, tcpKeepAlive,"
                            + " prepareThreshold, loadBalanceHosts"))));
        }
        if (user.isBlank() || user.length() > 63) {
            out.add(new FieldViolation(field + ".user", "user is required (at most 63 chars): the database role"
                    + " the gateway connects as; see docs/sql.md for a least-privilege role"));
        }
        if (!passwordSecret.isEmpty()) {
            Identifiers.checkName(field + ".password_secret", passwordSecret).ifPresent(out::add);
        }
        if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
            out.add(new FieldViolation(field + ".pool_size", "pool_size must be 1-" + MAX_POOL_SIZE + ", but was "
                    + poolSize));
        }
        for (int i = 0; i < discoverySchemas.size(); i++) {
            String s = discoverySchemas.get(i);
            if (s.isEmpty() || s.length() > 63 || s.chars().anyMatch(c -> c < 0x20)) {
                out.add(new FieldViolation(field + ".discovery_schemas[" + i + "]",
                        "a schema name must be 1-63 chars without control characters"));
            }
        }
        return out;
    }

    /** The servers (host and port, 5432 when the URL names none) the URL names, for the egress check. */
    public List<java.net.InetSocketAddress> servers() {
        return dev.toolgate.gateway.egress.JdbcHosts.of(jdbcUrl, 5432);
    }

    private static Map<String, String> options(String query) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : pair.substring(eq + 1));
        }
        return out;
    }

    /** The stored form (integration settings); holds no secret, only its name. */
    public String toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        root.put("user", user);
        root.put("password_secret", passwordSecret);
        root.put("pool_size", poolSize);
        discoverySchemas.forEach(root.putArray("discovery_schemas")::add);
        return root.toString();
    }

    public static SqlConnection fromStored(String jdbcUrl, String settingsJson) {
        try {
            JsonNode root = JsonSupport.mapper().readTree(settingsJson);
            List<String> schemas = new ArrayList<>();
            root.path("discovery_schemas").forEach(n -> schemas.add(n.asText()));
            return new SqlConnection(jdbcUrl, root.path("user").asText(), root.path("password_secret").asText(),
                    root.path("pool_size").asInt(DEFAULT_POOL_SIZE), schemas);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored SQL settings are not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
