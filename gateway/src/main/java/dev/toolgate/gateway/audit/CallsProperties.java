package dev.toolgate.gateway.audit;

import static dev.toolgate.gateway.core.Settings.atLeast;
import static dev.toolgate.gateway.core.Settings.notNegative;
import static dev.toolgate.gateway.core.Settings.positive;
import static dev.toolgate.gateway.core.Settings.require;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code toolgate.calls.*}: how call records are stored, buffered and kept (README "Call records").
 * Bound and checked at start-up (a rejected value names its key); immutable.
 *
 * @param maxStoredChars cap of the arguments / result / error columns of a call row
 * @param maxResultChars cap of a stored result that is replayed for a repeated call id
 * @param bufferRecords  call records held in memory at most while the writer is behind
 * @param bufferChars    characters of arguments, results and errors held in memory at most
 * @param retention      finished records older than this are deleted; {@code 0s} keeps them forever
 * @param purgeInterval  how often old records are deleted
 * @param batchWindow    how long the audit writer collects records before writing them in one transaction
 *                       (at most 256 rows; {@code 0s} writes whatever is queued at once)
 */
@Context
@ConfigurationProperties(CallsProperties.PREFIX)
public record CallsProperties(
        @Bindable(defaultValue = "65536") int maxStoredChars,
        @Bindable(defaultValue = "1200000") int maxResultChars,
        @Bindable(defaultValue = "10000") int bufferRecords,
        @Bindable(defaultValue = "33554432") long bufferChars,
        @Bindable(defaultValue = "0s") Duration retention,
        @Bindable(defaultValue = "1h") Duration purgeInterval,
        @Bindable(defaultValue = "10ms") Duration batchWindow) {
    public static final String PREFIX = "toolgate.calls";

    public CallsProperties {
        atLeast(PREFIX + ".max-stored-chars", maxStoredChars, 1);
        atLeast(PREFIX + ".max-result-chars", maxResultChars, 1);
        atLeast(PREFIX + ".buffer-records", bufferRecords, 1);
        require(bufferChars >= 1, PREFIX + ".buffer-chars", "at least 1", bufferChars);
        require(retention.isZero() || retention.compareTo(Duration.ofDays(1)) >= 0, PREFIX + ".retention",
                "0s (keep forever) or at least 1 day", retention);
        positive(PREFIX + ".purge-interval", purgeInterval);
        notNegative(PREFIX + ".batch-window", batchWindow);
        require(batchWindow.compareTo(Duration.ofSeconds(1)) <= 0, PREFIX + ".batch-window", "at most 1s",
                batchWindow);
    }
}
