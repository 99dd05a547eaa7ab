package dev.toolgate.gateway.egress;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.List;

/**
 * {@code toolgate.egress.*}: where upstreams may be reached (docs/security.md). The entries are
 * checked when the rules are built at start-up ({@link EgressFactory}); per-tenant lists
 * ({@code toolgate.egress.tenants.<tenant>}) are read there too. Immutable.
 *
 * @param allow       internal destinations upstreams may use (networks, hosts, ports); empty when unset
 * @param allowPublic whether public addresses need no entry
 */
@Context
@ConfigurationProperties(EgressProperties.PREFIX)
public record EgressProperties(@Nullable List<String> allow, @Bindable(defaultValue = "true") boolean allowPublic) {
    public static final String PREFIX = "toolgate.egress";

    public EgressProperties {
        allow = allow == null ? List.of() : List.copyOf(allow);
    }
}
