package dev.toolgate.gateway.sql;

import static dev.toolgate.gateway.core.Settings.atLeast;
import static dev.toolgate.gateway.core.Settings.require;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.sql.*}: bounds of SQL tools (docs/sql.md). Bound and checked at start-up (a
 * rejected value names its key); immutable.
 *
 * @param acquireTimeout how long a SQL tool waits for a connection of its integration's pool
 * @param maxResultBytes largest result of a SQL tool
 */
@Context
@ConfigurationProperties(SqlProperties.PREFIX)
public record SqlProperties(
        @Bindable(defaultValue = "3s") Duration acquireTimeout,
        @Bindable(defaultValue = "1048576") int maxResultBytes) {
    public static final String PREFIX = "toolgate.sql";

    public SqlProperties {
        require(acquireTimeout.toMillis() >= 250, PREFIX + ".acquire-timeout", "at least 250ms", acquireTimeout);
        atLeast(PREFIX + ".max-result-bytes", maxResultBytes, 1024);
    }
}
