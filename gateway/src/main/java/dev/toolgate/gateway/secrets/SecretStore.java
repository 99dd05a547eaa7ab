package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.core.Identifiers;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes secrets encrypted and reads them back for executors only. Plaintexts are cached in
 * memory for {@code toolgate.secrets.cache-ttl} (2s) so a call does not read and decrypt the
 * secret each time: a secret changed through another instance is used there within that time,
 * one changed through this instance at once. Thread-safe.
 */
@Singleton
public class SecretStore {
    public static final int MAX_VALUE_CHARS = 16 * 1024;

    private record Key(String tenant, String name) {
    }

    private final SecretRepository repository;
    private final SecretCipher cipher;
    private final Clock clock;
    private final ExpiringCache<Key, Optional<String>> plaintexts;
    private final ApplicationEventPublisher<SecretChanged> changes;

    public SecretStore(SecretRepository repository, SecretCipher cipher, Clock clock,
            SecretsProperties config, ApplicationEventPublisher<SecretChanged> changes) {
        Duration cacheTtl = config.cacheTtl();
        this.changes = requireNonNull(changes, "changes");
        this.repository = requireNonNull(repository, "repository");
        this.cipher = requireNonNull(cipher, "cipher");
        this.clock = requireNonNull(clock, "clock");
        this.plaintexts = new ExpiringCache<>(cacheTtl, 100_000, System::nanoTime);
    }

    /** Creates or replaces a secret; returns the stored row (ciphertext only). */
    public SecretEntity put(String tenant, String name, String value) {
        SealedSecret sealed = cipher.seal(tenant, name, value);
        plaintexts.invalidate(new Key(tenant, name));
        Instant now = clock.instant();
        Optional<SecretEntity> existing = repository.findByTenantIdAndName(tenant, name);
        if (existing.isPresent()) {
            SecretEntity e = existing.get();
            SecretEntity rotated = repository.update(new SecretEntity(e.id(), tenant, name, sealed.keyId(),
                    sealed.nonce(), sealed.ciphertext(), e.createdAt(), now));
            changes.publishEvent(new SecretChanged(tenant, name));
            return rotated;
        }
        return repository.save(new SecretEntity(Identifiers.newId("sec"), tenant, name, sealed.keyId(),
                sealed.nonce(), sealed.ciphertext(), now, now));
    }

    public boolean delete(String tenant, String name) {
        boolean deleted = repository.deleteByTenantIdAndName(tenant, name) > 0;
        plaintexts.invalidate(new Key(tenant, name));
        if (deleted) {
            changes.publishEvent(new SecretChanged(tenant, name));
        }
        return deleted;
    }

    /** The plaintext, for injection into an upstream request; empty when there is no such secret. */
    public Optional<String> reveal(String tenant, String name) {
        return plaintexts.get(new Key(tenant, name), k -> repository.findByTenantIdAndName(tenant, name)
                .map(e -> cipher.open(tenant, name, e.sealed())));
    }
}
