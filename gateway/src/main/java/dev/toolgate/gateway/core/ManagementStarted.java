package dev.toolgate.gateway.core;

import static java.util.Objects.requireNonNull;

/**
 * Published once the management listener is bound, so the egress rules can count it among the
 * gateway's own endpoints (and the exposure check can warn about it). Kept here, beside neither
 * publisher nor listeners, so that {@code egress} and {@code tls} do not depend on {@code management}.
 *
 * @param host the configured host it bound (an address or a name, never {@code null})
 * @param port the port it really bound
 */
public record ManagementStarted(String host, int port) {
    public ManagementStarted {
        requireNonNull(host, "host");
    }
}
