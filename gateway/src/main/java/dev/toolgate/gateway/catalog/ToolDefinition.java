package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.validation.CompiledSchema;
import java.time.Duration;

/**
 * A callable tool as the call path sees it: one version, its compiled schema and its
 * integration. Immutable.
 *
 * @param tags the version's tags ({@link ToolTags#NONE} when it has none)
 */
public record ToolDefinition(String tenantId, IntegrationEntity integration, String name, int version,
        String description, String inputSchemaJson, CompiledSchema schema, ToolAnnotations annotations,
        ToolBinding binding, Duration timeout, String outputSchemaJson, ToolTags tags) {

    public ToolDefinition {
        requireNonNull(tenantId, "tenantId");
        requireNonNull(integration, "integration");
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        requireNonNull(inputSchemaJson, "inputSchemaJson");
        requireNonNull(schema, "schema");
        requireNonNull(annotations, "annotations");
        requireNonNull(binding, "binding");
        requireNonNull(timeout, "timeout");
        requireNonNull(outputSchemaJson, "outputSchemaJson");
        requireNonNull(tags, "tags");
    }

    /** A definition without tags. */
    public ToolDefinition(String tenantId, IntegrationEntity integration, String name, int version,
            String description, String inputSchemaJson, CompiledSchema schema, ToolAnnotations annotations,
            ToolBinding binding, Duration timeout, String outputSchemaJson) {
        this(tenantId, integration, name, version, description, inputSchemaJson, schema, annotations, binding, timeout,
                outputSchemaJson, ToolTags.NONE);
    }

    /** {@code integration.tool}, e.g. {@code support_desk.create_support_case}. */
    public String qualifiedName() {
        return integration.name() + "." + name;
    }

    /** The HTTP binding of a tool of an {@code http} integration. */
    public HttpBinding httpBinding() {
        if (binding instanceof HttpBinding http) {
            return http;
        }
        throw new IllegalStateException(qualifiedName() + " is not an HTTP tool");
    }

    /** The SQL binding of a tool of a {@code sql} integration. */
    public SqlBinding sqlBinding() {
        if (binding instanceof SqlBinding sql) {
            return sql;
        }
        throw new IllegalStateException(qualifiedName() + " is not a SQL tool");
    }

    /** The MCP binding of a tool of an {@code mcp} integration. */
    public McpBinding mcpBinding() {
        if (binding instanceof McpBinding mcp) {
            return mcp;
        }
        throw new IllegalStateException(qualifiedName() + " is not an MCP tool");
    }

    /** The name models call, e.g. {@code support_desk__create_support_case}; see {@link ExportNames}. */
    public String exportName() {
        return ExportNames.of(qualifiedName());
    }
}
