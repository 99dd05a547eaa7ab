package dev.toolgate.gateway.resilience;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The gateway's resilience settings from {@code toolgate.resilience.*} ({@link ResilienceProperties}). */
@Factory
class ResilienceFactory {
    @Singleton
    ResilienceConfig resilienceConfig(ResilienceProperties properties) {
        return properties.toConfig();
    }
}
