package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

/** An encrypted secret value as stored: master key id, base64 nonce, base64 ciphertext+tag. */
public record SealedSecret(String keyId, String nonce, String ciphertext) {
    public SealedSecret {
        requireNonNull(keyId, "keyId");
        requireNonNull(nonce, "nonce");
        requireNonNull(ciphertext, "ciphertext");
    }

    /** Never prints the ciphertext either. */
    @Override
    public String toString() {
        return "SealedSecret[keyId=" + keyId + "]";
    }
}
