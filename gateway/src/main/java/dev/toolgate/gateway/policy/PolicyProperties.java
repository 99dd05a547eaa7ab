package dev.toolgate.gateway.policy;

import static dev.toolgate.gateway.core.Settings.positive;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code toolgate.policy.*}: where the tenant policy files are (docs/policies.md). Bound and
 * checked at start-up (a rejected value names its key); immutable.
 *
 * @param dir           the policy directory; {@code ""}: none, every tool call is denied
 * @param checkInterval how often the directory is checked besides file-system events
 */
@Context
@ConfigurationProperties(PolicyProperties.PREFIX)
public record PolicyProperties(
        @Bindable(defaultValue = "./policies") String dir,
        @Bindable(defaultValue = "2s") Duration checkInterval) {
    public static final String PREFIX = "toolgate.policy";

    public PolicyProperties {
        dir = dir.strip();
        positive(PREFIX + ".check-interval", checkInterval);
    }

    /** The directory as an absolute path; empty when none is configured. */
    public Optional<Path> directory() {
        return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath().normalize());
    }
}
