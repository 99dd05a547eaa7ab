package dev.toolgate.gateway.secrets;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A secret row: ciphertext only. */
@MappedEntity("secrets")
public record SecretEntity(@Id String id, String tenantId, String name, String keyId, String nonce,
        String ciphertext, Instant createdAt, Instant updatedAt) {

    SealedSecret sealed() {
        return new SealedSecret(keyId, nonce, ciphertext);
    }

    @Override
    public String toString() {
        return "SecretEntity[tenantId=" + tenantId + ", name=" + name + ", keyId=" + keyId + "]";
    }
}
