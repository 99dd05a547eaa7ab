package dev.toolgate.gateway.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;

/**
 * What a model reads when a call did not run (held for a human, or refused): one text that says what
 * happened and what to do next, the same over gRPC ({@code result_json}) and {@code /mcp} (the tool
 * result's text). Stateless and thread-safe.
 */
public final class OutcomeText {
    private OutcomeText() {
    }

    /** A call held for a human: nothing ran yet, who can approve it, how to read its outcome. */
    public static String held(String callId, Confirmation c) {
        return "Not run yet: a human must approve this call first (" + c.summary() + "). It waits until "
                + c.expiresAt() + " as call_id " + callId + " (confirmation " + c.id() + "). Ask the user to"
                + " approve it — `toolgate confirm " + callId + "`, or ConfirmToolCall with a key that has the"
                + " tools:confirm scope — then read its outcome with GetToolCall. Do not call the tool again"
                + " for the same action.";
    }

    /** The held call as a JSON object for {@code result_json}: the text plus the ids a program needs. */
    public static String heldJson(String callId, Confirmation c) {
        ObjectNode o = JsonSupport.mapper().createObjectNode();
        o.put("status", "PENDING_CONFIRMATION");
        o.put("message", held(callId, c));
        o.put("call_id", callId);
        o.put("confirmation_id", c.id());
        o.put("expires_at", c.expiresAt().toString());
        return o.toString();
    }

    /**
     * A tool the agent may not use (any more): its tool list is out of date, typically after a
     * policy reload between listing and calling. Says what to do — list the tools again — so a
     * model can recover instead of retrying the same call.
     */
    public static String notAvailable(String tool, String why) {
        return "tool '" + tool + "' is not available to this agent (" + why + "). The tools this agent may"
                + " call have changed since it listed them; do not call this tool again: list the tools again"
                + " (tools/list, or ListTools / ExportTools over gRPC) and use one from the new list, or tell"
                + " the user that this action is not available.";
    }

    /** A call the gateway did not run (or whose upstream gave no answer), with what to correct. */
    public static String refusal(GatewayException e) {
        StringBuilder text = new StringBuilder("Toolgate did not run the call (").append(e.reason()).append("): ")
                .append(e.getMessage());
        for (FieldViolation v : e.violations()) {
            text.append("\n- ").append(v.field()).append(": ").append(v.message());
        }
        if (!e.suggestions().isEmpty()) {
            text.append("\nDid you mean: ").append(String.join(", ", e.suggestions()));
        }
        return text.toString();
    }

    /** The refusal as a JSON object for {@code result_json}: the text, the reason and the error code. */
    public static String refusalJson(GatewayException e) {
        ObjectNode o = JsonSupport.mapper().createObjectNode();
        ObjectNode error = o.putObject("error");
        error.put("code", e.code().name());
        error.put("reason", e.reason());
        error.put("message", refusal(e));
        e.retryAfter().ifPresent(d -> error.put("retry_after_seconds", Math.max(1, d.toSeconds())));
        return o.toString();
    }
}
