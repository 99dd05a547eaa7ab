package dev.toolgate.gateway.execution.http;

import static dev.toolgate.gateway.core.Settings.notNegative;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.oauth.*}: OAuth client-credentials tokens the gateway fetches for upstreams.
 * Bound and checked at start-up; immutable.
 *
 * @param refreshBefore how long before a token expires it is renewed
 */
@Context
@ConfigurationProperties(OAuthProperties.PREFIX)
public record OAuthProperties(@Bindable(defaultValue = "60s") Duration refreshBefore) {
    public static final String PREFIX = "toolgate.oauth";

    public OAuthProperties {
        notNegative(PREFIX + ".refresh-before", refreshBefore);
    }
}
