package dev.toolgate.gateway.management;

import static dev.toolgate.gateway.core.Settings.notNegative;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.shutdown.*}: how a stopping gateway ({@code SIGTERM}) drains. Bound and checked at
 * start-up (a rejected value names its key); immutable.
 *
 * @param drainDelay  how long {@code /ready} answers {@code 503 DRAINING} while calls are still
 *                    accepted, so a load balancer or Kubernetes stops sending before new calls are
 *                    refused ({@code TOOLGATE_SHUTDOWN_DRAIN_DELAY}, default 0s); never negative
 * @param gracePeriod how long calls in flight may still finish once new calls are refused; those still
 *                    running after it are cancelled ({@code TOOLGATE_SHUTDOWN_GRACE_PERIOD}, default
 *                    20s); never negative
 */
@Context
@ConfigurationProperties(ShutdownConfig.PREFIX)
public record ShutdownConfig(@Bindable(defaultValue = "0s") Duration drainDelay,
        @Bindable(defaultValue = "20s") Duration gracePeriod) {
    public static final String PREFIX = "toolgate.shutdown";

    public ShutdownConfig {
        notNegative(PREFIX + ".drain-delay", drainDelay);
        notNegative(PREFIX + ".grace-period", gracePeriod);
    }
}
