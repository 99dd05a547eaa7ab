package dev.toolgate.gateway.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.observability.StoredCall;
import java.time.Duration;

/** How the console shows one stored call (a definition list) and JSON. Stateless. */
final class CallView {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CallView() {
    }

    static String record(StoredCall c) {
        return record(c, "");
    }

    /** The record, with the trace id linked to {@code traceLink} when that is not empty. */
    static String record(StoredCall c, String traceLink) {
        StringBuilder out = new StringBuilder("<dl class=\"call\">");
        row(out, "Call id", c.callId());
        row(out, "Tool", c.toolName() + " v" + c.toolVersion());
        row(out, "Status", c.status().name());
        row(out, "Agent", c.agentId());
        row(out, "Session", c.sessionId());
        row(out, "Policy decision", c.policy().decision());
        row(out, "Deciding rule", c.policy().rule());
        row(out, "Policy version", c.policy().version());
        row(out, "Started", c.startedAt().toString());
        c.finishedAt().ifPresent(f -> row(out, "Duration", Duration.between(c.startedAt(), f).toMillis() + " ms"));
        if (c.upstreamStatus() != 0) {
            row(out, "Upstream status", Integer.toString(c.upstreamStatus()));
        }
        row(out, "Error", c.error());
        if (traceLink.isEmpty()) {
            row(out, "Trace id", c.traceId());
        } else {
            out.append("<dt>Trace id</dt><dd><a class=\"trace\" rel=\"noreferrer\" href=\"").append(Html.text(traceLink))
                    .append("\">").append(Html.text(c.traceId())).append("</a></dd>");
        }
        row(out, "End user", c.userId());
        row(out, "Skill", c.skill());
        row(out, "Arguments digest", c.argumentsDigest());
        out.append("</dl>");
        if (!c.result().isEmpty()) {
            out.append("<h3>Result as stored").append(c.resultTruncated() ? " (truncated)" : "").append("</h3>")
                    .append(pre(c.result()));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        if (value != null && !value.isEmpty()) {
            out.append("<dt>").append(Html.text(name)).append("</dt><dd>").append(Html.text(value)).append("</dd>");
        }
    }

    /** JSON pretty-printed when it parses, as text either way. */
    static String pre(String json) {
        String shown = json;
        try {
            shown = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (Exception notJson) {
            // shown as it is
        }
        return "<pre class=\"json\">" + Html.text(shown) + "</pre>";
    }
}
