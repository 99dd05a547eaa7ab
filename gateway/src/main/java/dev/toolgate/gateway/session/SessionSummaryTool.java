package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;

/**
 * The built-in tool {@code toolgate.session_summary} (exported {@code toolgate__session_summary}):
 * the {@link SessionSummary} of a session the caller may read, for agents that only speak tool
 * calls. Reads the call records only; records nothing. Thread-safe.
 */
@Singleton
public class SessionSummaryTool {
    public static final String NAME = "toolgate.session_summary";
    public static final String EXPORTED_NAME = "toolgate__session_summary";
    public static final String DESCRIPTION = "Summarise what has been done so far in a session: each step with its"
            + " status and a short excerpt of its result, failures, calls waiting for a human, and rollbacks."
            + " Call it before deciding the next step of a long task.";
    public static final String INPUT_SCHEMA = """
            {"type":"object","properties":{
              "session_id":{"type":"string","minLength":1,"maxLength":128,
                "description":"The session to summarise; defaults to the session of this call"},
              "max_chars":{"type":"integer","minimum":200,"maximum":32000,
                "description":"Longest summary in characters, about 4 per token (default 4000)"}},
             "additionalProperties":false}""";

    private final Sessions sessions;

    public SessionSummaryTool(Sessions sessions) {
        this.sessions = requireNonNull(sessions, "sessions");
    }

    /** True when {@code tool} names this built-in (qualified or exported name). */
    public static boolean isNamed(String tool) {
        return NAME.equals(tool) || EXPORTED_NAME.equals(tool);
    }

    /**
     * The summary: {@code {"session_id", "summary", "calls", "truncated"}}.
     *
     * @param currentSession the session of the call that asks, used when the arguments name none
     * @throws GatewayException INVALID_ARGUMENT for arguments that do not fit {@link #INPUT_SCHEMA} or name
     *         no session; as GetSession otherwise
     */
    public ObjectNode call(Principal p, String argumentsJson, String currentSession) {
        JsonNode args;
        try {
            args = JsonSupport.mapper().readTree(argumentsJson.isEmpty() ? "{}" : argumentsJson);
        } catch (JsonProcessingException e) {
            throw GatewayException.invalidArgument("arguments_json", "arguments must be a JSON object");
        }
        JsonNode session = args.path("session_id");
        JsonNode max = args.path("max_chars");
        if (!args.isObject() || !session.isMissingNode() && !session.isTextual()
                || !max.isMissingNode() && !max.isIntegralNumber()) {
            throw GatewayException.invalidArgument("arguments_json", "arguments are {\"session_id\": string,"
                    + " \"max_chars\": integer}, both optional");
        }
        String id = session.asText(currentSession);
        if (id.isEmpty()) {
            throw GatewayException.invalidArgument("session_id", "session_id is required: this call belongs to no"
                    + " session");
        }
        Sessions.View v = sessions.view(p, id);
        String text;
        try {
            text = SessionSummary.of(v, max.asInt(0));
        } catch (IllegalArgumentException e) {
            throw GatewayException.invalidArgument("max_chars", e.getMessage());
        }
        ObjectNode out = JsonSupport.mapper().createObjectNode();
        out.put("session_id", id).put("summary", text).put("calls", v.calls().size()).put("truncated", v.truncated());
        return out;
    }
}
