package dev.toolgate.gateway.validation;

import static dev.toolgate.gateway.core.Settings.range;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code toolgate.arguments.*}: bounds on {@code arguments_json} and the threads that check it.
 * Bound and checked at start-up (a rejected value names its key); immutable.
 *
 * @param maxBytes          UTF-8 size cap of {@code arguments_json}
 * @param maxDepth          nesting depth cap of {@code arguments_json}
 * @param validationThreads platform threads that check arguments against input schemas
 */
@Context
@ConfigurationProperties(ArgumentsProperties.PREFIX)
public record ArgumentsProperties(
        @Bindable(defaultValue = "" + ArgumentLimits.DEFAULT_MAX_BYTES) int maxBytes,
        @Bindable(defaultValue = "" + ArgumentLimits.DEFAULT_MAX_DEPTH) int maxDepth,
        @Bindable(defaultValue = "4") int validationThreads) {
    public static final String PREFIX = "toolgate.arguments";

    public ArgumentsProperties {
        range(PREFIX + ".max-bytes", maxBytes, 1024, 16 * 1024 * 1024);
        range(PREFIX + ".max-depth", maxDepth, 2, 1000);
        range(PREFIX + ".validation-threads", validationThreads, 1, 256);
    }

    /** The limits {@link ArgumentParser} enforces. */
    public ArgumentLimits limits() {
        return new ArgumentLimits(maxBytes, maxDepth);
    }
}
