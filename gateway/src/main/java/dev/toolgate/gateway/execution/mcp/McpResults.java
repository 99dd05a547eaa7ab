package dev.toolgate.gateway.execution.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * An MCP answer as {@code result_json}: the whole {@code CallToolResult} as the server sent it
 * — text, images, audio, resource links, embedded resources, {@code structuredContent},
 * {@code isError}, {@code _meta} — and {@code is_error} from its {@code isError}. A JSON-RPC
 * error answer becomes {@code {"error": {"code", "message", "data"}}}, an error too.
 */
final class McpResults {
    /** The exchange itself is HTTP 200 either way; MCP says success or failure in the body. */
    static final int STATUS = 200;

    private McpResults() {
    }

    static UpstreamResponse of(McpSchema.CallToolResult result, McpJsonMapper json, int maxChars) {
        String text;
        try {
            text = json.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException("an MCP result could not be written as JSON", e);
        }
        boolean isError = Boolean.TRUE.equals(result.isError());
        if (text.length() <= maxChars) {
            return new UpstreamResponse(STATUS, text, false, Optional.empty(), isError);
        }
        ObjectNode cut = JsonSupport.mapper().createObjectNode();
        cut.put("content_type", "application/json");
        cut.put("text", text.substring(0, maxChars));
        cut.put("truncated", true);
        return new UpstreamResponse(STATUS, cut.toString(), true, Optional.empty(), isError);
    }

    static UpstreamResponse of(McpError error) {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        ObjectNode e = root.putObject("error");
        McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
        e.put("code", rpc.code());
        e.put("message", rpc.message());
        if (rpc.data() != null) {
            e.set("data", JsonSupport.mapper().valueToTree(rpc.data()));
        }
        return new UpstreamResponse(STATUS, root.toString(), false, Optional.empty(), true);
    }
}
