package dev.toolgate.gateway.catalog;

import static dev.toolgate.gateway.core.Settings.notNegative;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.catalog.*}. Bound and checked at start-up; immutable.
 *
 * @param refreshInterval how long an instance serves its cached catalog of a tenant before checking
 *                        that tenant's revision in the database
 */
@Context
@ConfigurationProperties(CatalogProperties.PREFIX)
public record CatalogProperties(@Bindable(defaultValue = "1s") Duration refreshInterval) {
    public static final String PREFIX = "toolgate.catalog";

    public CatalogProperties {
        notNegative(PREFIX + ".refresh-interval", refreshInterval);
    }
}
