package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.execution.http.HttpToolExecutor;
import dev.toolgate.gateway.execution.mcp.McpToolExecutor;
import dev.toolgate.gateway.sql.SqlToolExecutor;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.ToolExecutor;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Singleton;

/** Hands each tool to the executor of its integration's kind. Thread-safe. */
@Primary
@Singleton
public class ToolExecutors implements ToolExecutor {
    private final HttpToolExecutor http;
    private final SqlToolExecutor sql;
    private final McpToolExecutor mcp;

    public ToolExecutors(HttpToolExecutor http, SqlToolExecutor sql, McpToolExecutor mcp) {
        this.http = requireNonNull(http, "http");
        this.sql = requireNonNull(sql, "sql");
        this.mcp = requireNonNull(mcp, "mcp");
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        return prepare(tool, arguments, "");
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId) {
        return switch (tool.integration().kind()) {
            case IntegrationEntity.KIND_SQL -> sql.prepare(tool, arguments, callId);
            case IntegrationEntity.KIND_MCP -> mcp.prepare(tool, arguments, callId);
            default -> http.prepare(tool, arguments, callId);
        };
    }
}
