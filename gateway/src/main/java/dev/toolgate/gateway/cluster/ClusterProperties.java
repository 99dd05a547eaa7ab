package dev.toolgate.gateway.cluster;

import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.cluster.*}. Bound and checked at start-up; immutable.
 *
 * @param notifications  whether instances on PostgreSQL invalidate each other's caches through
 *                       {@code LISTEN/NOTIFY} (ignored on H2)
 * @param reconnectDelay how long the listener waits before connecting again after its connection broke
 * @param sharedRateLimits whether instances on PostgreSQL take rate-limit tokens from buckets in the
 *                       database (one limit for all instances) rather than each from its own (ignored on H2)
 */
@Context
@ConfigurationProperties(ClusterProperties.PREFIX)
public record ClusterProperties(@Bindable(defaultValue = "true") boolean notifications,
        @Bindable(defaultValue = "1s") Duration reconnectDelay,
        @Bindable(defaultValue = "true") boolean sharedRateLimits) {
    public static final String PREFIX = "toolgate.cluster";

    public ClusterProperties {
        positive(PREFIX + ".reconnect-delay", reconnectDelay);
    }
}
