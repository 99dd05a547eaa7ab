package dev.toolgate.gateway.mcp;

import dev.toolgate.gateway.execution.mcp.McpProperties;
import dev.toolgate.gateway.catalog.McpBinding;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Turns the tools an MCP server lists into tool specs: a Toolgate name derived from the server's
 * ({@code get-Sum} → {@code get-sum}, {@code a.b} → {@code a_b}; the server's own name is kept in
 * the binding), the schemas as declared (their {@code $schema} dialect is honoured, draft 2020-12
 * when absent, as MCP says), and the MCP annotations with MCP's defaults (a tool not marked
 * read-only is destructive and open-world unless it says otherwise) — the relaxing hints only for
 * an integration whose annotations the admin trusts. Immutable.
 */
@Singleton
public class McpToolSpecs {
    private static final int MAX_DESCRIPTION = 8000;
    private final Duration timeout;

    @Inject
    public McpToolSpecs(McpProperties config) {
        this(config.toolTimeout());
    }

    public McpToolSpecs(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The specs of the tools; a tool that cannot become one (its name is empty or taken once
     * derived) is put in {@code rejected}, by the server's name, with the reason.
     */
    public List<ToolSpec> of(String tenant, String integration, List<McpSchema.Tool> tools, boolean trusted,
            Map<String, String> rejected) {
        Map<String, String> taken = new HashMap<>();
        return tools.stream().map(t -> {
            String name = name(t.name());
            if (name.isEmpty() || t.name().length() > McpBinding.MAX_NAME) {
                rejected.put(t.name(), "an MCP tool name has 1-128 letters, digits, '_', '-' or '.'");
                return null;
            }
            if (dev.toolgate.gateway.execution.mcp.TaskSupport.required(t)) { // a plain call would be refused
                rejected.put(t.name(), "it can only be called as a task (execution.taskSupport \"required\"), and"
                        + " Toolgate calls tools directly");
                return null;
            }
            String other = taken.putIfAbsent(name, t.name());
            if (other != null) {
                rejected.put(t.name(), "its name becomes '" + name + "', like that of tool '" + other + "'");
                return null;
            }
            return new ToolSpec(tenant, integration, name, description(t), schema(t.inputSchema(), true),
                    annotations(t.annotations(), trusted), new McpBinding(t.name()), timeout,
                    schema(t.outputSchema(), false), tags(t.meta()));
        }).filter(s -> s != null).toList();
    }

    /**
     * A tool's tags: MCP defines none, so only the de facto place of FastMCP servers is read,
     * {@code _meta.fastmcp.tags} (older versions: {@code _meta._fastmcp.tags}); unusable ones are left out.
     */
    static dev.toolgate.gateway.catalog.ToolTags tags(Map<String, Object> meta) {
        if (meta == null) {
            return dev.toolgate.gateway.catalog.ToolTags.NONE;
        }
        java.util.List<String> tags = new java.util.ArrayList<>();
        for (String namespace : List.of("fastmcp", "_fastmcp")) {
            if (meta.get(namespace) instanceof Map<?, ?> ns && ns.get("tags") instanceof java.util.Collection<?> c) {
                c.forEach(t -> {
                    if (t instanceof String s) {
                        tags.add(s);
                    }
                });
            }
        }
        return dev.toolgate.gateway.catalog.ToolTags.lenient(tags);
    }

    /** Lower case; every run of other characters becomes one '_' (or '-' kept); at most 63 characters. */
    static String name(String serverName) {
        String lower = serverName.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean word = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (word) {
                out.append(c);
            } else if (!out.isEmpty() && out.charAt(out.length() - 1) != '_' && out.charAt(out.length() - 1) != '-') {
                out.append(c == '-' ? '-' : '_');
            }
        }
        while (!out.isEmpty() && (out.charAt(out.length() - 1) == '_' || out.charAt(out.length() - 1) == '-')) {
            out.setLength(out.length() - 1);
        }
        String name = out.length() > Identifiers.MAX_NAME_LENGTH ? out.substring(0, Identifiers.MAX_NAME_LENGTH)
                : out.toString();
        while (name.endsWith("_") || name.endsWith("-")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static String description(McpSchema.Tool t) {
        String text = t.description() != null && !t.description().isBlank() ? t.description()
                : t.title() != null && !t.title().isBlank() ? t.title()
                : "Tool '" + t.name() + "' of an MCP server (it gave no description)";
        return text.length() > MAX_DESCRIPTION ? text.substring(0, MAX_DESCRIPTION) : text;
    }

    private static String schema(Map<String, Object> schema, boolean input) {
        if (schema == null || schema.isEmpty()) {
            return input ? "{\"type\":\"object\"}" : "";
        }
        try {
            return JsonSupport.mapper().writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("an MCP tool schema could not be written as JSON", e);
        }
    }

    /**
     * The server's hints as Toolgate's annotations, with MCP's defaults. The two that change what
     * the gateway does — read-only (no start row, retries) and idempotent (retries) — count only
     * when the admin trusts the server's annotations; destructive and open-world are taken as
     * declared (they inform policies).
     */
    static ToolAnnotations annotations(McpSchema.ToolAnnotations a, boolean trusted) {
        if (a == null) {
            return new ToolAnnotations(false, true, false, true); // MCP's defaults for an unannotated tool
        }
        boolean declaredReadOnly = Boolean.TRUE.equals(a.readOnlyHint());
        return new ToolAnnotations(trusted && declaredReadOnly,
                !declaredReadOnly && !Boolean.FALSE.equals(a.destructiveHint()),
                trusted && Boolean.TRUE.equals(a.idempotentHint()), !Boolean.FALSE.equals(a.openWorldHint()));
    }
}
