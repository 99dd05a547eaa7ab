package dev.toolgate.gateway.telemetry;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.inject.Singleton;

/** For tests that read spans: the SDK with an in-memory exporter, when {@code test.telemetry=memory}. */
@Factory
@Requires(property = "test.telemetry", value = "memory")
class InMemoryTelemetryFactory {
    @Singleton
    InMemorySpanExporter spanExporter() {
        return InMemorySpanExporter.create();
    }

    @Singleton
    @Replaces(value = TelemetryFactory.Telemetry.class, factory = TelemetryFactory.class)
    TelemetryFactory.Telemetry telemetry(InMemorySpanExporter exporter) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
        return new TelemetryFactory.Telemetry(sdk, sdk);
    }
}
