package dev.toolgate.gateway.execution.mcp;

import jakarta.inject.Inject;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MCP servers the gateway may start as local processes (stdio), declared only in its own
 * configuration — never by an API call: {@code toolgate.mcp.stdio-servers} entries
 * {@code "ID TENANT[:TENANT…] COMMAND [ARG…]"} (arguments split on spaces). An integration uses
 * one with the URL {@code stdio:ID}, and only a tenant the entry names may. Immutable.
 */
@Singleton
public class StdioServers {
    public static final String SCHEME = "stdio:";

    /** One declared server. */
    public record Server(String id, Set<String> tenants, String command, List<String> args) {
    }

    private final Map<String, Server> servers = new LinkedHashMap<>();

    @Inject
    public StdioServers(McpProperties config) {
        this(config.stdioServers());
    }

    public StdioServers(List<String> entries) {
        for (String entry : entries) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.strip().split("\\s+");
            if (parts.length < 3 || Identifiers.checkName("id", parts[0]).isPresent()) {
                throw new IllegalArgumentException("toolgate.mcp.stdio-servers entries are \"ID TENANT[:TENANT...]"
                        + " COMMAND [ARG...]\" with an id like everything, but got '" + entry + "'");
            }
            if (servers.put(parts[0], new Server(parts[0], Set.of(parts[1].split(":")), parts[2],
                    List.copyOf(Arrays.asList(parts).subList(3, parts.length)))) != null) {
                throw new IllegalArgumentException("toolgate.mcp.stdio-servers declares '" + parts[0] + "' twice");
            }
        }
    }

    /** True for an integration URL naming a stdio server. */
    public static boolean isStdio(String url) {
        return url.startsWith(SCHEME);
    }

    /**
     * The server an integration URL {@code stdio:ID} names, for this tenant.
     *
     * @throws GatewayException INVALID_ARGUMENT when it is not declared, or not for this tenant
     *         (the same answer either way: the configuration is not revealed)
     */
    public Server require(String tenant, String url) {
        String id = url.substring(SCHEME.length());
        return Optional.ofNullable(servers.get(id)).filter(s -> s.tenants().contains(tenant))
                .orElseThrow(() -> GatewayException.invalidArgument("url", "'" + Identifiers.abbreviate(url)
                        + "' is not a stdio MCP server this gateway declares for tenant '" + tenant
                        + "' (toolgate.mcp.stdio-servers); servers are never started from an API call"));
    }
}
