package dev.toolgate.gateway.tls;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Maps {@code toolgate.tls.*} to the immutable {@link TlsConfig}. */
@Factory
final class TlsFactory {
    @Singleton
    TlsConfig tlsConfig(@Value("${toolgate.tls.cert-file:}") String certFile,
            @Value("${toolgate.tls.key-file:}") String keyFile,
            @Value("${toolgate.tls.client-ca-file:}") String clientCaFile) {
        return TlsConfig.of(certFile, keyFile, clientCaFile);
    }
}
