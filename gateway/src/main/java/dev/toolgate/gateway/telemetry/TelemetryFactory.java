package dev.toolgate.gateway.telemetry;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import jakarta.inject.Singleton;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK, configured by the standard {@code OTEL_*} environment variables
 * (endpoint, headers, protocol grpc or http/protobuf, sampler, resource). Traces are exported
 * only when {@code toolgate.telemetry.enabled} is true, or is {@code auto} (the default) and an
 * OTLP endpoint is set; otherwise the gateway runs with a no-op implementation at no cost.
 */
@Factory
public class TelemetryFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryFactory.class);
    public static final String INSTRUMENTATION = "dev.toolgate.gateway";

    @Singleton
    @Bean(preDestroy = "close")
    Telemetry telemetry(TelemetryProperties config) {
        String otlpEndpoint = config.otlpEndpoint();
        String otlpProtocol = config.otlpProtocol();
        java.time.Duration batchDelay = config.batchDelay();
        boolean endpoint = !otlpEndpoint.isBlank() || present("OTEL_EXPORTER_OTLP_ENDPOINT")
                || present("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        boolean on = switch (config.enabled()) {
            case "true" -> true;
            case "false" -> false;
            default -> endpoint; // auto
        };
        if (!on) {
            return new Telemetry(OpenTelemetry.noop(), null);
        }
        Map<String, String> defaults = new java.util.HashMap<>(Map.of(
                "otel.service.name", "toolgate",
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none",
                "otel.bsp.schedule.delay", String.valueOf(batchDelay.toMillis())));
        // the gateway's own settings win over the SDK's defaults; OTEL_* environment variables win over both
        if (!otlpEndpoint.isBlank()) {
            defaults.put("otel.exporter.otlp.endpoint", otlpEndpoint);
        }
        if (!otlpProtocol.isBlank()) {
            defaults.put("otel.exporter.otlp.protocol", otlpProtocol);
        }
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .build().getOpenTelemetrySdk();
        LOG.info("OpenTelemetry traces are exported over OTLP ({})", System.getenv()
                .getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", System.getenv()
                        .getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint.isBlank()
                                ? "the SDK's default endpoint" : otlpEndpoint)));
        return new Telemetry(sdk, sdk);
    }

    @Singleton
    Tracer tracer(Telemetry telemetry) {
        return telemetry.openTelemetry().getTracer(INSTRUMENTATION);
    }

    private static boolean present(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }

    /** The OpenTelemetry in use and, when it is an SDK, the SDK to flush and close at shutdown. */
    public record Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) implements AutoCloseable {
        @Override
        public void close() {
            if (sdk != null) {
                sdk.close();
            }
        }
    }
}
