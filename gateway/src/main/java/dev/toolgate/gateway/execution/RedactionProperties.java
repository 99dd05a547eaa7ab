package dev.toolgate.gateway.execution;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import java.util.List;

/**
 * {@code toolgate.redaction.*}: what is masked in stored call records and spans besides
 * secret-looking keys and values. Entries are checked when the redactor is built; immutable.
 *
 * @param paths entries {@code "integration.tool /json/pointer"}; empty when unset
 */
@Context
@ConfigurationProperties(RedactionProperties.PREFIX)
public record RedactionProperties(@Nullable List<String> paths) {
    public static final String PREFIX = "toolgate.redaction";

    public RedactionProperties {
        paths = paths == null ? List.of() : List.copyOf(paths);
    }
}
