package dev.toolgate.gateway.mcp.server;

import dev.toolgate.gateway.execution.mcp.McpProperties;
import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.KeyLookup;
import dev.toolgate.gateway.auth.KeyRevoked;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.CatalogChanged;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.connections.ConnectionCompleted;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.context.event.ApplicationEventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The open {@code GET /mcp} streams: at most {@code toolgate.mcp.max-streams-per-key} (4) per key
 * and {@code toolgate.mcp.max-streams-per-tenant} (200) per tenant. The streams of one key share
 * one watcher, which every {@code toolgate.mcp.notify-interval} checks that the key is still
 * active and computes the key's tools fingerprint once for all of them, and checks at once when
 * the tenant's catalog changed ({@link CatalogChanged}, through this instance or announced by
 * another); it ends the streams when the key is revoked (at once for a revocation through this
 * instance or announced by another, at the next check otherwise). When a connect link completes
 * (through this instance or announced by another), every stream of the link's tenant gets
 * {@code notifications/elicitation/complete} with the link's elicitation id (derived from the link,
 * meaningless to a client that did not get that elicitation). Thread-safe.
 */
@Singleton
public final class McpStreams implements ApplicationEventListener<KeyRevoked> {
    /** The outcome of {@link #open}. */
    public sealed interface Admission permits Admitted, Refused {
    }

    /**
     * A place for one stream: {@code changes} emits once per change of the key's tool list after
     * the baseline and completes when the key is revoked; {@code release} must run when the stream ends.
     */
    public record Admitted(Flux<String> changes, Flux<String> notifications, Mono<Void> revoked, Runnable release)
            implements Admission {
    }

    /** No place: {@code message} says which limit was hit. */
    public record Refused(String message) implements Admission {
    }

    /** One key's streams and their shared watcher; guarded by the lock but for the sink. */
    private static final class Watch {
        final String tenant;
        final Sinks.Empty<Void> revoked = Sinks.empty();
        final Sinks.Many<Long> nudges = Sinks.many().multicast().directBestEffort();
        final Sinks.Many<String> notifications = Sinks.many().multicast().directBestEffort();
        Flux<String> fingerprints = Flux.empty();
        int streams;

        Watch(String tenant) {
            this.tenant = tenant;
        }
    }

    private final McpServerProtocol protocol;
    private final KeyLookup keys;
    private final int perKey;
    private final int perTenant;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Watch> byKey = new HashMap<>();
    private final Map<String, Integer> byTenant = new HashMap<>();

    public McpStreams(McpServerProtocol protocol, KeyLookup keys,
            McpProperties config) {
        this.protocol = requireNonNull(protocol, "protocol");
        this.keys = requireNonNull(keys, "keys");
        this.perKey = config.maxStreamsPerKey();
        this.perTenant = config.maxStreamsPerTenant();
        this.interval = config.notifyInterval();
    }

    /**
     * Takes a place for a stream of {@code principal} whose tool list was {@code baseline} when it opened.
     */
    public Admission open(Principal principal, String baseline) {
        requireNonNull(baseline, "baseline");
        Watch watch;
        lock.lock();
        try {
            watch = byKey.get(principal.keyId());
            if (watch != null && watch.streams >= perKey) {
                return new Refused("this key has " + watch.streams + " open /mcp streams, the most one key may have"
                        + " (toolgate.mcp.max-streams-per-key); close one first");
            }
            int tenantStreams = byTenant.getOrDefault(principal.tenantId(), 0);
            if (tenantStreams >= perTenant) {
                return new Refused("tenant '" + principal.tenantId() + "' has " + tenantStreams + " open /mcp streams,"
                        + " the most one tenant may have (toolgate.mcp.max-streams-per-tenant); close one first");
            }
            if (watch == null) {
                watch = newWatch(principal);
                byKey.put(principal.keyId(), watch);
            }
            watch.streams++;
            byTenant.put(principal.tenantId(), tenantStreams + 1);
        } finally {
            lock.unlock();
        }
        Watch mine = watch;
        Flux<String> changes = Flux.concat(Mono.just(baseline), mine.fingerprints).distinctUntilChanged().skip(1);
        return new Admitted(changes, mine.notifications.asFlux(), mine.revoked.asMono(),
                () -> release(principal.keyId(), mine));
    }

    private Watch newWatch(Principal principal) {
        Watch watch = new Watch(principal.tenantId());
        watch.fingerprints = Flux.merge(Flux.interval(interval), watch.nudges.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> Mono.fromCallable(() -> check(principal))
                        .subscribeOn(Schedulers.boundedElastic())
                        .onErrorResume(e -> Mono.empty())) // the catalog or key store is unreadable for now: try again
                .takeWhile(Optional::isPresent)
                .map(Optional::get)
                .doOnComplete(watch.revoked::tryEmitEmpty) // the key was revoked: end all its streams
                .publish()
                .refCount();
        return watch;
    }

    /** The key's fingerprint, or empty when the key is no longer active. */
    private Optional<String> check(Principal principal) {
        if (!principal.bootstrapAdmin() && !keys.isActive(principal.keyId())) {
            return Optional.empty();
        }
        return Optional.of(protocol.toolsFingerprint(principal));
    }

    private void release(String keyId, Watch watch) {
        lock.lock();
        try {
            watch.streams--;
            if (watch.streams == 0 && byKey.get(keyId) == watch) {
                byKey.remove(keyId);
            }
            byTenant.computeIfPresent(watch.tenant, (t, n) -> n > 1 ? n - 1 : null);
        } finally {
            lock.unlock();
        }
    }

    /** The tenant's catalog changed: its streams compare their tool lists now. */
    @EventListener
    void onCatalogChanged(CatalogChanged event) {
        List<Watch> watches;
        lock.lock();
        try {
            watches = byKey.values().stream().filter(w -> w.tenant.equals(event.tenantId())).toList();
        } finally {
            lock.unlock();
        }
        watches.forEach(w -> w.nudges.tryEmitNext(0L));
    }

    /** A connect link completed on this instance: its tenant's streams hear of its elicitation. */
    @EventListener
    void onConnectionCompleted(ConnectionCompleted event) {
        elicitationComplete(event.tenant(), event.elicitationId());
    }

    /** A connect link completed on another instance. */
    @EventListener
    void onInvalidation(Invalidation invalidation) {
        if (invalidation.kind() == Invalidation.Kind.CONNECTED) {
            elicitationComplete(invalidation.tenant(), invalidation.subject());
        }
    }

    private void elicitationComplete(String tenant, String elicitationId) {
        List<Watch> watches;
        lock.lock();
        try {
            watches = byKey.values().stream().filter(w -> w.tenant.equals(tenant)).toList();
        } finally {
            lock.unlock();
        }
        String note = McpServerProtocol.elicitationComplete(elicitationId);
        watches.forEach(w -> w.notifications.tryEmitNext(note));
    }

    /** Ends the streams of a key revoked through this instance or announced by another. */
    @Override
    public void onApplicationEvent(KeyRevoked event) {
        Watch watch;
        lock.lock();
        try {
            watch = byKey.get(event.keyId());
        } finally {
            lock.unlock();
        }
        if (watch != null) {
            watch.revoked.tryEmitEmpty();
        }
    }
}
