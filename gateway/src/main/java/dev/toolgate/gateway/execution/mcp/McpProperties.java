package dev.toolgate.gateway.execution.mcp;

import static dev.toolgate.gateway.core.Settings.atLeast;
import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * {@code toolgate.mcp.*}: MCP servers as integrations and the gateway's own {@code /mcp} endpoint
 * (docs/mcp.md). Bound and checked at start-up (a rejected value names its key); immutable.
 *
 * @param syncInterval       how often every MCP integration's tools are read again
 * @param stdioServers       local MCP servers the gateway may start, {@code "ID TENANT[:TENANT…] COMMAND [ARG…]"}
 * @param toolTimeout        timeout of synced tools (the caller's deadline still wins)
 * @param listTimeout        handshake and {@code tools/list} at registration and sync
 * @param connectTimeout     TCP connect to an MCP server
 * @param maxResultChars     longest {@code result_json} kept from an MCP server
 * @param allowedOrigins     browser origins allowed to call {@code /mcp}
 * @param notifyInterval     how often an open {@code /mcp} stream checks the agent's tool list
 * @param maxStreamsPerKey   open {@code GET /mcp} streams one key may hold
 * @param maxStreamsPerTenant open {@code GET /mcp} streams all keys of one tenant may hold
 * @param maxTools           most tools read from one MCP server (a server listing more is refused whole)
 * @param maxStreamAge       how long a {@code GET /mcp} stream stays open before the gateway ends it (clients reopen)
 */
@Context
@ConfigurationProperties(McpProperties.PREFIX)
public record McpProperties(
        @Bindable(defaultValue = McpProperties.DEFAULT_SYNC_INTERVAL) Duration syncInterval,
        @Nullable List<String> stdioServers,
        @Bindable(defaultValue = "30s") Duration toolTimeout,
        @Bindable(defaultValue = "15s") Duration listTimeout,
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "1048576") int maxResultChars,
        @Nullable List<String> allowedOrigins,
        @Bindable(defaultValue = "2s") Duration notifyInterval,
        @Bindable(defaultValue = "4") int maxStreamsPerKey,
        @Bindable(defaultValue = "200") int maxStreamsPerTenant,
        @Bindable(defaultValue = "10000") int maxTools,
        @Bindable(defaultValue = "30m") Duration maxStreamAge) {
    public static final String PREFIX = "toolgate.mcp";
    /** Also the scheduler's default, which reads the key itself. */
    public static final String DEFAULT_SYNC_INTERVAL = "5m";

    public McpProperties {
        positive(PREFIX + ".sync-interval", syncInterval);
        stdioServers = stdioServers == null ? List.of() : List.copyOf(stdioServers);
        positive(PREFIX + ".tool-timeout", toolTimeout);
        positive(PREFIX + ".list-timeout", listTimeout);
        positive(PREFIX + ".connect-timeout", connectTimeout);
        atLeast(PREFIX + ".max-result-chars", maxResultChars, 1);
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        positive(PREFIX + ".notify-interval", notifyInterval);
        atLeast(PREFIX + ".max-streams-per-key", maxStreamsPerKey, 1);
        atLeast(PREFIX + ".max-streams-per-tenant", maxStreamsPerTenant, 1);
        atLeast(PREFIX + ".max-tools", maxTools, 1);
        positive(PREFIX + ".max-stream-age", maxStreamAge);
    }
}
