package dev.toolgate.gateway.execution.http;

import java.time.Duration;

/**
 * Immutable settings of the HTTP executor.
 *
 * @param maxResponseBytes bodies are cut here and marked truncated
 * @param connectTimeout   TCP/TLS connect timeout (also bounded by the call's deadline)
 */
public record HttpExecutionConfig(int maxResponseBytes, Duration connectTimeout) {
    public HttpExecutionConfig {
        if (maxResponseBytes < 1024 || maxResponseBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be 1024..67108864, but was " + maxResponseBytes);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, but was " + connectTimeout);
        }
    }
}
