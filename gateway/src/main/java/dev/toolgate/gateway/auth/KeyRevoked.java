package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

/** Published when a key is revoked through this instance, so what it holds open can end at once. */
public record KeyRevoked(String keyId) {
    public KeyRevoked {
        requireNonNull(keyId, "keyId");
    }
}
