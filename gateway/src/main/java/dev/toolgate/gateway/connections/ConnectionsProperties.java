package dev.toolgate.gateway.connections;

import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.connections.*}: connected accounts (docs/identity.md). Bound and checked at start-up; immutable.
 *
 * @param publicUrl    the gateway's HTTP address as users' browsers reach it; connect links and the OAuth
 *                     redirect URI ({@code <public-url>/connect/callback}) start with it. Empty: the HTTP
 *                     listener's own address
 * @param linkTtl      how long a connect link (and its state) is valid
 * @param refreshAhead an access token this close to its expiry is refreshed before use
 * @param timeout      timeout of a request to an authorization server's token endpoint
 */
@Context
@ConfigurationProperties(ConnectionsProperties.PREFIX)
public record ConnectionsProperties(
        @io.micronaut.core.annotation.Nullable String publicUrl,
        @Bindable(defaultValue = "10m") Duration linkTtl,
        @Bindable(defaultValue = "60s") Duration refreshAhead,
        @Bindable(defaultValue = "10s") Duration timeout) {
    public static final String PREFIX = "toolgate.connections";

    public ConnectionsProperties {
        publicUrl = publicUrl == null ? "" : publicUrl.strip().replaceAll("/+$", "");
        positive(PREFIX + ".link-ttl", linkTtl);
        positive(PREFIX + ".refresh-ahead", refreshAhead);
        positive(PREFIX + ".timeout", timeout);
    }
}
