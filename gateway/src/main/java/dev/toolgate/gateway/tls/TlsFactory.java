package dev.toolgate.gateway.tls;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Maps {@code toolgate.tls.*} to the immutable {@link TlsConfig}. */
@Factory
final class TlsFactory {
    @Singleton
    TlsConfig tlsConfig(TlsProperties properties) {
        return properties.toConfig();
    }
}
