package dev.toolgate.gateway.execution.http;

import static dev.toolgate.gateway.core.Settings.positive;
import static dev.toolgate.gateway.core.Settings.range;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.http.*}: how HTTP upstreams are called. Bound and checked at start-up (a rejected
 * value names its key); immutable.
 *
 * @param maxResponseBytes upstream bodies are cut here and marked truncated
 * @param connectTimeout   TCP/TLS connect timeout (also bounded by the call's deadline)
 * @param trustedCaFile    a PEM file of CA certificates trusted besides the JDK's; {@code ""} when unset
 * @param client           {@code netty} (the default: HTTP/1.1 on the gateway's event loops) or {@code jdk}
 *                         (the JDK HTTP client, the client before 0.2; kept for one release as a fallback)
 */
@Context
@ConfigurationProperties(HttpProperties.PREFIX)
public record HttpProperties(
        @Bindable(defaultValue = "1048576") int maxResponseBytes,
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Nullable String trustedCaFile,
        @Bindable(defaultValue = "netty") String client) {
    public static final String PREFIX = "toolgate.http";

    public HttpProperties {
        range(PREFIX + ".max-response-bytes", maxResponseBytes, 1024, 64 * 1024 * 1024);
        positive(PREFIX + ".connect-timeout", connectTimeout);
        trustedCaFile = trustedCaFile == null ? "" : trustedCaFile.strip();
        client = client == null ? "netty" : client.strip().toLowerCase(java.util.Locale.ROOT);
        if (!client.equals("netty") && !client.equals("jdk")) {
            throw new IllegalArgumentException(PREFIX + ".client must be netty or jdk, but was '" + client + "'");
        }
    }
}
