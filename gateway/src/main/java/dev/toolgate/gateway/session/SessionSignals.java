package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import io.micronaut.context.event.ApplicationEventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "A call of this session was recorded": the signal {@link SessionWatches} reads a session again on.
 * The call store raises it after each write that touches a session ({@link SignallingCallStore}),
 * and it reaches the watchers of this instance at once and those of the other instances through
 * the {@link ClusterBus} ({@code NOTIFY}, one per changed session; sent from one background thread,
 * coalesced, never on the request path). A bus that reconnected may have lost signals: its
 * {@link Invalidation#all()} makes every watcher read again. Thread-safe.
 */
@Singleton
public class SessionSignals implements ApplicationEventListener<Invalidation> {
    private static final Logger LOG = LoggerFactory.getLogger(SessionSignals.class);
    /** Signals waiting for the bus at most; more are dropped (the watchers of this instance still get them). */
    static final int MAX_UNSENT = 10_000;

    private final ClusterBus bus;
    private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();
    private final Set<Invalidation> unsent = ConcurrentHashMap.newKeySet();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("session-signals").factory());

    public SessionSignals(ClusterBus bus) {
        this.bus = requireNonNull(bus, "bus");
    }

    /**
     * Runs {@code onChange} (on the signalling thread: it must only schedule work) each time a call of
     * the session is recorded, here or on another instance, until the returned handle is run.
     */
    public Runnable subscribe(String tenantId, String sessionId, Runnable onChange) {
        requireNonNull(onChange, "onChange");
        String key = key(tenantId, sessionId);
        listeners.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(onChange);
        return () -> listeners.computeIfPresent(key, (k, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    /** A call of {@code sessionId} was recorded (its row written or updated); nothing for an empty session id. */
    public void changed(String tenantId, String sessionId) {
        if (sessionId.isEmpty()) {
            return;
        }
        deliver(tenantId, sessionId);
        Invalidation signal = Invalidation.session(tenantId, sessionId);
        if (unsent.size() < MAX_UNSENT && unsent.add(signal)) {
            try {
                sender.execute(() -> {
                    unsent.remove(signal);
                    bus.publish(signal);
                });
            } catch (RejectedExecutionException e) {
                unsent.remove(signal); // stopping
            }
        }
    }

    /** A signal from another instance. */
    @Override
    public void onApplicationEvent(Invalidation event) {
        if (event.kind() == Invalidation.Kind.SESSION) {
            deliver(event.tenant(), event.subject());
        } else if (event.kind() == Invalidation.Kind.ALL) {
            listeners.values().forEach(set -> set.forEach(SessionSignals::run));
        }
    }

    private void deliver(String tenantId, String sessionId) {
        Set<Runnable> set = listeners.get(key(tenantId, sessionId));
        if (set != null) {
            set.forEach(SessionSignals::run);
        }
    }

    private static void run(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.error("a session watcher failed to take a change", e);
        }
    }

    private static String key(String tenantId, String sessionId) {
        return tenantId + "\n" + sessionId;
    }

    @PreDestroy
    void close() {
        sender.shutdownNow();
    }
}
