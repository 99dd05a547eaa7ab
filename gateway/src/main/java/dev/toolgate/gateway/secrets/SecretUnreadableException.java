package dev.toolgate.gateway.secrets;

/** A stored secret cannot be decrypted. The message names the secret, never its value. */
public final class SecretUnreadableException extends RuntimeException {
    public SecretUnreadableException(String message) {
        super(message, null, false, false);
    }
}
