package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Writes secrets encrypted and reads them back for executors only. Thread-safe. */
@Singleton
public class SecretStore {
    public static final int MAX_VALUE_CHARS = 16 * 1024;

    private final SecretRepository repository;
    private final SecretCipher cipher;
    private final Clock clock;

    public SecretStore(SecretRepository repository, SecretCipher cipher, Clock clock) {
        this.repository = requireNonNull(repository, "repository");
        this.cipher = requireNonNull(cipher, "cipher");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Creates or replaces a secret; returns the stored row (ciphertext only). */
    public SecretEntity put(String tenant, String name, String value) {
        SealedSecret sealed = cipher.seal(tenant, name, value);
        Instant now = clock.instant();
        Optional<SecretEntity> existing = repository.findByTenantIdAndName(tenant, name);
        if (existing.isPresent()) {
            SecretEntity e = existing.get();
            return repository.update(new SecretEntity(e.id(), tenant, name, sealed.keyId(), sealed.nonce(),
                    sealed.ciphertext(), e.createdAt(), now));
        }
        return repository.save(new SecretEntity(Identifiers.newId("sec"), tenant, name, sealed.keyId(),
                sealed.nonce(), sealed.ciphertext(), now, now));
    }

    public boolean delete(String tenant, String name) {
        return repository.deleteByTenantIdAndName(tenant, name) > 0;
    }

    /** The plaintext, for injection into an upstream request; empty when there is no such secret. */
    public Optional<String> reveal(String tenant, String name) {
        return repository.findByTenantIdAndName(tenant, name).map(e -> cipher.open(tenant, name, e.sealed()));
    }
}
