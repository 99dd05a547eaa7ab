package dev.toolgate.gateway.upstream;

import java.time.Duration;

/**
 * An upstream request ready to send: rendered, credentials injected, egress checked.
 * Implementations never reveal credentials through {@code toString}.
 */
public interface PreparedCall {
    /**
     * Sends the request and waits at most {@code timeout} for the whole response.
     *
     * @throws UpstreamFailure when no response arrived
     */
    UpstreamResponse send(Duration timeout);
}
