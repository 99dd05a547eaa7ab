package dev.toolgate.gateway.telemetry;

import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.metrics.*}. Bound and checked at start-up; immutable.
 *
 * @param refreshInterval how often metrics that need the database (pending confirmations) are counted
 */
@Context
@ConfigurationProperties(MetricsProperties.PREFIX)
public record MetricsProperties(@Bindable(defaultValue = "5s") Duration refreshInterval) {
    public static final String PREFIX = "toolgate.metrics";

    public MetricsProperties {
        positive(PREFIX + ".refresh-interval", refreshInterval);
    }
}
