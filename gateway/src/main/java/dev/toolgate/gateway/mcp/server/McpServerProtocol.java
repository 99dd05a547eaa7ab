package dev.toolgate.gateway.mcp.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.policy.ToolVisibility;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Toolgate's catalog as an MCP server, stateless: every JSON-RPC request is answered on its own
 * (no session, so any gateway instance serves any request), for the principal whose key came with
 * it. {@code tools/list} returns the tools the policy lets this agent see, under their MCP-safe
 * names ({@code integration__tool}); {@code tools/call} runs the same pipeline as
 * {@code ExecuteTool} — validation, policy, confirmation, resilience, audit row and span.
 * Thread-safe.
 */
@Singleton
public class McpServerProtocol {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpServerProtocol.class);
    /** Newest first; an unknown version asked for by a client is answered with the newest. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** Where a client may put the call's idempotency key (a retry with it replays, never runs twice). */
    static final String CALL_ID = "dev.toolgate/call_id";
    static final String SESSION_ID = "dev.toolgate/session_id";
    private static final int MAX_DEPTH = 64;
    private static final ObjectMapper JSON = JsonSupport.untrusted(MAX_DEPTH, 1 << 20);

    private final Catalog catalog;
    private final ToolVisibility visibility;
    private final ToolCallService calls;

    public McpServerProtocol(Catalog catalog, ToolVisibility visibility, ToolCallService calls) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.visibility = requireNonNull(visibility, "visibility");
        this.calls = requireNonNull(calls, "calls");
    }

    /** An HTTP answer: 200 with a JSON-RPC response, 202 with no body (notifications), 400 for malformed input. */
    public record Reply(int status, Optional<String> json) {
        static Reply accepted() {
            return new Reply(202, Optional.empty());
        }
    }

    /** Answers one POSTed JSON-RPC message of an authenticated principal. */
    public Reply handle(Principal principal, String body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Reply(400, Optional.of(error(null, PARSE_ERROR, "the body is not JSON: " + e.getOriginalMessage())));
        }
        if (message == null || !message.isObject()) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, message != null && message.isArray()
                    ? "JSON-RPC batches are not supported (MCP 2025-06-18 and later send one message per request)"
                    : "a JSON-RPC message is an object")));
        }
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (method == null) {
            return Reply.accepted(); // a response to a request of ours: we send none, so there is nothing to do
        }
        if (id == null || id.isNull()) {
            return Reply.accepted(); // a notification (initialized, cancelled, ...): nothing to answer
        }
        if (!"2.0".equals(message.path("jsonrpc").asText()) || !method.isTextual()
                || !(id.isTextual() || id.isIntegralNumber())) {
            return new Reply(400, Optional.of(error(id.isTextual() || id.isIntegralNumber() ? id : null,
                    INVALID_REQUEST, "a request needs \"jsonrpc\": \"2.0\", a string or integer \"id\" and a"
                            + " string \"method\"")));
        }
        JsonNode params = message.path("params");
        try {
            return new Reply(200, Optional.of(switch (method.asText()) {
                case "initialize" -> result(id, initialize(params));
                case "ping" -> result(id, JSON.createObjectNode());
                case "tools/list" -> toolsList(principal, id, params);
                case "tools/call" -> toolsCall(principal, id, params);
                default -> error(id, METHOD_NOT_FOUND, "method '" + abbreviate(method.asText())
                        + "' is not supported; this server offers tools (tools/list, tools/call)");
            }));
        } catch (GatewayException e) {
            if (e.code() == dev.toolgate.gateway.error.ErrorCode.PERMISSION_DENIED) {
                throw e; // the key may not do this at all: HTTP 403
            }
            return new Reply(200, Optional.of(error(id, INTERNAL_ERROR, e.reason() + ": " + e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("MCP request {} failed", abbreviate(method.asText()), e);
            return new Reply(500, Optional.of(error(id, INTERNAL_ERROR, "internal error; see the gateway log")));
        }
    }

    /** The protocol version to speak when a client asks for {@code requested}. */
    static String negotiate(String requested) {
        return VERSIONS.contains(requested) ? requested : VERSIONS.get(0);
    }

    private static ObjectNode initialize(JsonNode params) {
        ObjectNode result = JSON.createObjectNode();
        result.put("protocolVersion", negotiate(params.path("protocolVersion").asText()));
        result.putObject("capabilities").putObject("tools").put("listChanged", true);
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "toolgate");
        info.put("version", "0.1.0");
        result.put("instructions", "Tools of your tenant, run through Toolgate: every call is checked against its"
                + " schema and the tenant's policy, and recorded. A call that needs a human's approval answers"
                + " with an error result that says how to get it approved.");
        return result;
    }

    private String toolsList(Principal principal, JsonNode id, JsonNode params) {
        requireCaller(principal);
        ArrayNode tools = JSON.createArrayNode();
        for (ToolDefinition t : visibility.visible(principal, catalog.list(principal.tenantId()))) {
            tools.add(tool(t));
        }
        ObjectNode result = JSON.createObjectNode();
        result.set("tools", tools);
        return result(id, result);
    }

    /**
     * What this agent's {@code tools/list} would hold, as a digest of names and versions: it
     * changes when a tool is added, changed or removed, or the policy shows or hides one.
     */
    public String toolsFingerprint(Principal principal) {
        requireCaller(principal);
        StringBuilder all = new StringBuilder();
        for (ToolDefinition t : visibility.visible(principal, catalog.list(principal.tenantId()))) {
            all.append(t.qualifiedName()).append('@').append(t.version()).append('\n');
        }
        return dev.toolgate.gateway.core.Digests.sha256Hex(all.toString());
    }

    /** A ping request of the server (keeps a stream alive; clients answer it). */
    static String ping(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("id", id);
        n.put("method", "ping");
        return n.toString();
    }

    /** The notification that the tool list changed. */
    static String listChanged() {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("method", "notifications/tools/list_changed");
        return n.toString();
    }

    private static ObjectNode tool(ToolDefinition t) {
        ObjectNode tool = JSON.createObjectNode();
        tool.put("name", t.exportName());
        tool.put("title", t.qualifiedName());
        tool.put("description", t.description());
        tool.set("inputSchema", parse(t.inputSchemaJson()));
        if (!t.outputSchemaJson().isEmpty()) {
            JsonNode output = parse(t.outputSchemaJson());
            if ("object".equals(output.path("type").asText())) { // MCP output schemas describe objects
                tool.set("outputSchema", output);
            }
        }
        ToolAnnotations a = t.annotations();
        ObjectNode annotations = tool.putObject("annotations");
        annotations.put("readOnlyHint", a.readOnly());
        annotations.put("destructiveHint", a.destructive());
        annotations.put("idempotentHint", a.idempotent());
        annotations.put("openWorldHint", a.openWorld());
        return tool;
    }

    private String toolsCall(Principal principal, JsonNode id, JsonNode params) {
        requireCaller(principal);
        JsonNode name = params.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) {
            return error(id, INVALID_PARAMS, "tools/call needs params.name, the tool's name from tools/list");
        }
        JsonNode arguments = params.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            return error(id, INVALID_PARAMS, "params.arguments must be an object");
        }
        String argumentsJson = arguments.isObject() ? arguments.toString() : "{}";
        String tool = name.asText();
        Optional<ToolDefinition> found = catalog.find(principal.tenantId(), tool)
                .filter(t -> visibility.visible(principal, t));
        if (found.isEmpty()) {
            return error(id, INVALID_PARAMS, "Unknown tool: " + abbreviate(tool));
        }
        JsonNode meta = params.path("_meta");
        try {
            CallResult r = calls.execute(principal, new ExecuteCommand(found.get().qualifiedName(), argumentsJson,
                    meta.path(CALL_ID).asText(""), meta.path(SESSION_ID).asText(""), Optional.empty()));
            return result(id, McpToolResults.of(found.get(), r));
        } catch (GatewayException e) {
            return result(id, McpToolResults.refused(e));
        }
    }

    private static void requireCaller(Principal principal) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; use a key of the tenant");
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call' scope");
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSupport.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored schema is not JSON", e);
        }
    }

    private static String result(JsonNode id, JsonNode result) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response.toString();
    }

    static String error(JsonNode id, int code, String message) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return response.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
