package dev.toolgate.gateway.mcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.OutcomeText;
import dev.toolgate.observability.CallStatus;

/**
 * A call's outcome as an MCP {@code CallToolResult}. The upstream's answer is the text content
 * (and {@code structuredContent} when it is a JSON object); an MCP upstream's own result passes
 * through whole. Refusals and held calls are tool errors ({@code isError}) whose text tells the
 * model what happened and what to do, as MCP asks, so it can correct itself. {@code _meta} carries
 * the call id and status under {@code dev.toolgate/}.
 */
final class McpToolResults {
    private McpToolResults() {
    }

    static ObjectNode of(ToolDefinition tool, CallResult r) {
        if (r.status() == CallStatus.PENDING_CONFIRMATION && r.confirmation().isPresent()) {
            return held(r, r.confirmation().get());
        }
        JsonNode upstream = parse(r.resultJson());
        ObjectNode result;
        if (!r.outputWarning().isEmpty()) {
            result = misfit(upstream, r.outputWarning());
        } else if (tool.integration().kind().is(IntegrationKind.MCP) && upstream.path("content").isArray()) {
            result = ((ObjectNode) upstream).deepCopy(); // the MCP server's own result, as it sent it
            result.remove("_meta");
        } else {
            result = JsonSupport.mapper().createObjectNode();
            text(result.putArray("content"), r.resultJson());
            if (upstream.isObject() && !r.isError() && !r.truncated()) { // an error body need not fit outputSchema
                result.set("structuredContent", upstream);
            }
        }
        // a misfit is an error result: a client that checks structured content against the advertised
        // outputSchema (the TypeScript SDK) accepts no result without it unless it is an error
        result.put("isError", r.isError() || !r.outputWarning().isEmpty());
        ObjectNode meta = meta(result, r.callId(), r.status().name()).put("dev.toolgate/upstream_status",
                r.upstreamStatus()).put("dev.toolgate/replayed", r.replayed());
        if (!r.outputWarning().isEmpty()) {
            meta.put("dev.toolgate/output_warning", r.outputWarning());
        }
        return result;
    }

    /**
     * An answer that does not fit the tool's output schema, as text: an MCP server's result as the
     * output check left it (no structuredContent, the warning as its last text block), another
     * tool's answer as one text block and the warning as another.
     */
    private static ObjectNode misfit(JsonNode checked, String warning) {
        if (checked.path("content").isArray()) {
            ObjectNode result = ((ObjectNode) checked).deepCopy();
            result.remove("_meta");
            result.remove("structuredContent");
            return result;
        }
        ObjectNode result = JsonSupport.mapper().createObjectNode();
        ArrayNode content = result.putArray("content");
        text(content, checked.path("text").isTextual() ? checked.path("text").asText() : checked.toString());
        text(content, warning);
        return result;
    }

    /** The outcome of a call that was held and then decided (read back from its record). */
    static ObjectNode of(ToolDefinition tool, dev.toolgate.observability.StoredCall s,
            java.util.function.UnaryOperator<CallResult> outputCheck) {
        if (s.status() == CallStatus.SUCCEEDED || s.status() == CallStatus.UPSTREAM_ERROR) {
            return of(tool, outputCheck.apply(new CallResult(s.callId(), s.status(), s.result(), s.isError(),
                    s.upstreamStatus(), java.time.Duration.ZERO, s.toolVersion(), s.resultTruncated(), s.startedAt())));
        }
        ObjectNode result = JsonSupport.mapper().createObjectNode();
        text(result.putArray("content"), "Not run (" + s.status().name() + "): " + s.error());
        result.put("isError", true);
        meta(result, s.callId(), s.status().name());
        return result;
    }

    private static ObjectNode held(CallResult r, Confirmation c) {
        ObjectNode result = JsonSupport.mapper().createObjectNode();
        text(result.putArray("content"), OutcomeText.held(r.callId(), c));
        result.put("isError", true);
        ObjectNode meta = meta(result, r.callId(), r.status().name());
        meta.put("dev.toolgate/confirmation_id", c.id());
        meta.put("dev.toolgate/expires_at", c.expiresAt().toString());
        return result;
    }

    /** A call the gateway did not run (or whose upstream gave no answer), as a tool error. */
    static ObjectNode refused(GatewayException e) {
        ObjectNode result = JsonSupport.mapper().createObjectNode();
        String connectUrl = e.metadata().getOrDefault("connect_url", "");
        // the model relays the link to its user (a client without URL-mode elicitation cannot show it itself)
        text(result.putArray("content"), OutcomeText.refusal(e) + (connectUrl.isEmpty() ? ""
                : "\nThe user connects at: " + connectUrl));
        result.put("isError", true);
        ObjectNode meta = result.putObject("_meta");
        meta.put("dev.toolgate/reason", e.reason());
        meta.put("dev.toolgate/code", e.code().name());
        e.metadata().forEach((k, v) -> meta.put("dev.toolgate/" + k, v));
        return result;
    }

    private static void text(ArrayNode content, String text) {
        ObjectNode part = content.addObject();
        part.put("type", "text");
        part.put("text", text);
    }

    private static ObjectNode meta(ObjectNode result, String callId, String status) {
        ObjectNode meta = result.putObject("_meta");
        meta.put("dev.toolgate/call_id", callId);
        meta.put("dev.toolgate/status", status);
        return meta;
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSupport.mapper().readTree(json);
        } catch (Exception e) {
            return JsonSupport.mapper().getNodeFactory().textNode(json);
        }
    }
}
