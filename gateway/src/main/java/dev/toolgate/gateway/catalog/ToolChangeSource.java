package dev.toolgate.gateway.catalog;

/** What proposed a held definition change. */
public enum ToolChangeSource {
    MCP_SYNC("mcp_sync"),
    OPENAPI_IMPORT("openapi_import");

    private final String wire;

    ToolChangeSource(String wire) {
        this.wire = wire;
    }

    /** As stored and shown, e.g. {@code mcp_sync}. */
    public String wire() {
        return wire;
    }
}
