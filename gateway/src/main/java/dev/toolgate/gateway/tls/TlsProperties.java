package dev.toolgate.gateway.tls;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code toolgate.tls.*}: server TLS of the gRPC and HTTP listeners (PEM files); all unset means
 * plaintext. Bound at start-up and mapped to {@link TlsConfig}, whose files are read then; immutable.
 *
 * @param certFile     the certificate chain; {@code null} when unset
 * @param keyFile      the PKCS#8 private key; {@code null} when unset
 * @param clientCaFile CA certificates client certificates must be signed by; {@code null} when unset
 */
@Context
@ConfigurationProperties(TlsProperties.PREFIX)
public record TlsProperties(@Nullable String certFile, @Nullable String keyFile, @Nullable String clientCaFile) {
    public static final String PREFIX = "toolgate.tls";

    /** The listeners' TLS settings. */
    public TlsConfig toConfig() {
        return TlsConfig.of(certFile, keyFile, clientCaFile);
    }
}
