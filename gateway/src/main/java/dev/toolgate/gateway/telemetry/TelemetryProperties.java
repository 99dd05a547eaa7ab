package dev.toolgate.gateway.telemetry;

import static dev.toolgate.gateway.core.Settings.positive;
import static dev.toolgate.gateway.core.Settings.range;
import static dev.toolgate.gateway.core.Settings.require;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * {@code toolgate.telemetry.*}: trace export (README "Traces"); {@code OTEL_*} environment variables
 * win over the endpoint and protocol set here. Bound and checked at start-up (a rejected value names
 * its key); immutable.
 *
 * @param enabled         {@code auto} (export when an OTLP endpoint is set), {@code true} or {@code false}
 * @param otlpEndpoint    the OTLP endpoint; {@code ""} when unset
 * @param otlpProtocol    {@code grpc} or {@code http/protobuf}; {@code ""} when unset (the SDK's default)
 * @param batchDelay      how long spans are batched before they are exported
 * @param captureContent  whether arguments and results go on spans (redacted, capped)
 * @param captureMaxChars the cap for each of them
 */
@Context
@ConfigurationProperties(TelemetryProperties.PREFIX)
public record TelemetryProperties(
        @Bindable(defaultValue = "auto") String enabled,
        @Nullable String otlpEndpoint,
        @Nullable String otlpProtocol,
        @Bindable(defaultValue = "5s") Duration batchDelay,
        @Bindable(defaultValue = "false") boolean captureContent,
        @Bindable(defaultValue = "4096") int captureMaxChars) {
    public static final String PREFIX = "toolgate.telemetry";

    public TelemetryProperties {
        String mode = enabled.strip().toLowerCase(Locale.ROOT);
        require(Set.of("auto", "true", "false").contains(mode), PREFIX + ".enabled", "true, false or auto",
                enabled);
        enabled = mode;
        otlpEndpoint = otlpEndpoint == null ? "" : otlpEndpoint.strip();
        otlpProtocol = otlpProtocol == null ? "" : otlpProtocol.strip();
        positive(PREFIX + ".batch-delay", batchDelay);
        range(PREFIX + ".capture-max-chars", captureMaxChars, 16, 1_000_000);
    }
}
