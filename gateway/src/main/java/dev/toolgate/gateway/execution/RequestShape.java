package dev.toolgate.gateway.execution;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;

/** The first admission stage: the request's own fields, before anything is looked up. Stateless. */
final class RequestShape {
    private static final int MAX_TOOL_NAME = 200;

    private RequestShape() {
    }

    /** Everything wrong with call_id, session_id and the tool name; empty when nothing is. */
    static List<FieldViolation> check(ExecuteCommand command) {
        List<FieldViolation> problems = new ArrayList<>();
        if (!command.callId().isEmpty() && !Identifiers.isCallId(command.callId())) {
            problems.add(new FieldViolation("call_id", "call_id must be 1-128 chars of letters, digits and . _ : -"));
        }
        if (!command.sessionId().isEmpty() && !Identifiers.isCallId(command.sessionId())) {
            problems.add(new FieldViolation("session_id", "session_id must be 1-128 chars of letters, digits and . _ : -"));
        }
        if (command.tool().isEmpty()) {
            problems.add(new FieldViolation("tool",
                    "tool is required: a qualified name such as support_desk.create_support_case (see ListTools)"));
        } else if (command.tool().length() > MAX_TOOL_NAME) {
            problems.add(new FieldViolation("tool", "tool name is longer than " + MAX_TOOL_NAME + " chars"));
        } else if (command.tool().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(new FieldViolation("tool", "tool name must not contain control characters"));
        }
        return problems;
    }

    /** The session id to record and to show policies: empty when absent or malformed. */
    static String session(ExecuteCommand command) {
        return Identifiers.isCallId(command.sessionId()) ? command.sessionId() : "";
    }
}
