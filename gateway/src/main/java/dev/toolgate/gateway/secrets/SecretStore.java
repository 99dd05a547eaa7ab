package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.core.ExpiringCache;
import dev.toolgate.gateway.core.Identifiers;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Writes secrets encrypted and reads them back for executors only. Plaintexts are cached in
 * memory for {@code toolgate.secrets.cache-ttl} (2s) so a call does not read and decrypt the
 * secret each time: a secret changed through this instance is used at once, one changed through
 * another as soon as its invalidation arrives ({@link ClusterBus}, on PostgreSQL), at the latest
 * within that time. Thread-safe.
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
    private final ClusterBus cluster;

    public SecretStore(SecretRepository repository, SecretCipher cipher, Clock clock,
            SecretsProperties config, ApplicationEventPublisher<SecretChanged> changes, ClusterBus cluster) {
        this.cluster = requireNonNull(cluster, "cluster");
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
            cluster.publish(Invalidation.secret(tenant, name));
            return rotated;
        }
        SecretEntity created = repository.save(new SecretEntity(Identifiers.newId("sec"), tenant, name, sealed.keyId(),
                sealed.nonce(), sealed.ciphertext(), now, now));
        cluster.publish(Invalidation.secret(tenant, name)); // another instance may have cached its absence
        return created;
    }

    public boolean delete(String tenant, String name) {
        boolean deleted = repository.deleteByTenantIdAndName(tenant, name) > 0;
        plaintexts.invalidate(new Key(tenant, name));
        if (deleted) {
            changes.publishEvent(new SecretChanged(tenant, name));
            cluster.publish(Invalidation.secret(tenant, name));
        }
        return deleted;
    }

    /** Applies another instance's change: the plaintext is read again and what used the old value closes. */
    @EventListener
    void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case SECRET -> {
                plaintexts.invalidate(new Key(invalidation.tenant(), invalidation.subject()));
                changes.publishEvent(new SecretChanged(invalidation.tenant(), invalidation.subject()));
            }
            case ALL -> plaintexts.invalidateIf(v -> true);
            case KEY, TENANT_KEYS, CATALOG, CONNECTED -> { }
        }
    }

    /** The plaintext, for injection into an upstream request; empty when there is no such secret. */
    public Optional<String> reveal(String tenant, String name) {
        return plaintexts.get(new Key(tenant, name), k -> repository.findByTenantIdAndName(tenant, name)
                .map(e -> cipher.open(tenant, name, e.sealed())));
    }
}
