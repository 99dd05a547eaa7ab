package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

/**
 * What the upstream answered.
 *
 * @param status     HTTP status
 * @param resultJson the body as JSON text (non-JSON bodies wrapped)
 * @param truncated  true when the body was cut at the size cap
 */
public record UpstreamResponse(int status, String resultJson, boolean truncated) {
    public UpstreamResponse {
        requireNonNull(resultJson, "resultJson");
    }
}
