package dev.toolgate.gateway.console;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import java.net.URI;

/**
 * {@code toolgate.console.*}: the web console (docs/console.md). Bound and checked at start-up; immutable.
 *
 * @param traceUrl a link template to the deployment's trace UI: {@code {trace_id}} is replaced by a
 *                 call's trace id on the call page (e.g. {@code https://grafana.example/explore?traceId={trace_id}});
 *                 empty: no link
 */
@Context
@ConfigurationProperties(ConsoleProperties.PREFIX)
public record ConsoleProperties(@Nullable String traceUrl) {
    public static final String PREFIX = "toolgate.console";
    static final String TRACE_ID = "{trace_id}";

    public ConsoleProperties {
        traceUrl = traceUrl == null ? "" : traceUrl.strip();
        if (!traceUrl.isEmpty()) {
            URI probe;
            try {
                probe = URI.create(traceUrl.replace(TRACE_ID, "0"));
            } catch (IllegalArgumentException e) {
                probe = null;
            }
            if (!traceUrl.contains(TRACE_ID) || probe == null || probe.getHost() == null
                    || !("https".equals(probe.getScheme()) || "http".equals(probe.getScheme()))) {
                throw new IllegalArgumentException(PREFIX + ".trace-url must be an absolute http(s) URL containing "
                        + TRACE_ID + ", but was '" + traceUrl + "'");
            }
        }
    }

    /** The link to a trace, or empty when no template is set or the call has no trace id. */
    String traceLink(String traceId) {
        if (traceUrl.isEmpty() || traceId == null || !traceId.matches("[0-9a-f]{32}")) {
            return "";
        }
        return traceUrl.replace(TRACE_ID, traceId);
    }
}
