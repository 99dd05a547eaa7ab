package dev.toolgate.gateway.management;

import static java.util.Objects.requireNonNull;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code toolgate.management.*}: where the management listener ({@code /metrics}, {@code /health})
 * binds. Bound and checked at start-up (a rejected value names its key); immutable.
 *
 * @param host the address to bind ({@code TOOLGATE_MANAGEMENT_HOST}, default {@value #DEFAULT_HOST}); never
 *             {@code null} or blank
 * @param port the port ({@code TOOLGATE_MANAGEMENT_PORT}, default {@value #DEFAULT_PORT}); {@code 0} picks a
 *             free one
 */
@Context
@ConfigurationProperties(ManagementConfig.PREFIX)
public record ManagementConfig(@Bindable(defaultValue = ManagementConfig.DEFAULT_HOST) String host,
        @Bindable(defaultValue = "" + ManagementConfig.DEFAULT_PORT) int port) {
    public static final String PREFIX = "toolgate.management";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;

    public ManagementConfig {
        requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("toolgate.management.host must not be blank, but was '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("toolgate.management.port must be 0..65535, but was " + port);
        }
    }
}
