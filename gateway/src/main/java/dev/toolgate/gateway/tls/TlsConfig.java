package dev.toolgate.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Server TLS settings, shared by the gRPC and the HTTP listener. Immutable; checked when built, so a
 * missing or unreadable file stops the start with a message naming the variable.
 *
 * @param certFile     PEM certificate chain ({@code TOOLGATE_TLS_CERT_FILE}); empty: plaintext
 * @param keyFile      PEM private key, PKCS#8 ({@code TOOLGATE_TLS_KEY_FILE}); present exactly when
 *                     {@code certFile} is
 * @param clientCaFile PEM CA certificates ({@code TOOLGATE_TLS_CLIENT_CA_FILE}); present: every client must
 *                     show a certificate one of them signed
 */
public record TlsConfig(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile) {
    public TlsConfig {
        requireNonNull(certFile, "certFile");
        requireNonNull(keyFile, "keyFile");
        requireNonNull(clientCaFile, "clientCaFile");
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("TOOLGATE_TLS_CERT_FILE and TOOLGATE_TLS_KEY_FILE go together, but only "
                    + (certFile.isPresent() ? "TOOLGATE_TLS_CERT_FILE" : "TOOLGATE_TLS_KEY_FILE") + " is set");
        }
        if (clientCaFile.isPresent() && certFile.isEmpty()) {
            throw new IllegalArgumentException(
                    "TOOLGATE_TLS_CLIENT_CA_FILE needs server TLS: set TOOLGATE_TLS_CERT_FILE and TOOLGATE_TLS_KEY_FILE too");
        }
        readable("TOOLGATE_TLS_CERT_FILE", certFile);
        readable("TOOLGATE_TLS_KEY_FILE", keyFile);
        readable("TOOLGATE_TLS_CLIENT_CA_FILE", clientCaFile);
    }

    /** Plaintext. */
    public static TlsConfig off() {
        return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** From configuration strings, blank meaning unset. */
    public static TlsConfig of(String certFile, String keyFile, String clientCaFile) {
        return new TlsConfig(path(certFile), path(keyFile), path(clientCaFile));
    }

    /** Whether the listeners speak TLS. */
    public boolean enabled() {
        return certFile.isPresent();
    }

    /** Whether clients must present a certificate. */
    public boolean clientCertificatesRequired() {
        return clientCaFile.isPresent();
    }

    private static Optional<Path> path(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }

    private static void readable(String variable, Optional<Path> file) {
        file.ifPresent(f -> {
            if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
                throw new IllegalArgumentException(variable + " must name a readable PEM file, but was " + f);
            }
        });
    }
}
