package dev.toolgate.gateway.execution;

import static dev.toolgate.gateway.core.Settings.positive;
import static dev.toolgate.gateway.core.Settings.require;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.confirmations.*}: how long a held call waits for a human and how often expired
 * holds are closed. Bound and checked at start-up (a rejected value names its key); immutable.
 *
 * @param ttl           how long a held call can be approved
 * @param sweepInterval how often holds past their expiry are closed
 */
@Context
@ConfigurationProperties(ConfirmationsProperties.PREFIX)
public record ConfirmationsProperties(
        @Bindable(defaultValue = "15m") Duration ttl,
        @Bindable(defaultValue = "1m") Duration sweepInterval) {
    public static final String PREFIX = "toolgate.confirmations";

    public ConfirmationsProperties {
        require(!ttl.isNegative() && !ttl.isZero() && ttl.compareTo(Duration.ofDays(7)) <= 0, PREFIX + ".ttl",
                "more than 0s and at most 7 days", ttl);
        positive(PREFIX + ".sweep-interval", sweepInterval);
    }
}
