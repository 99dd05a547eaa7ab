package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.KeyRevoked;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.cards.ToolCards;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.StoredCall;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * {@code WatchSession}: a session's calls as they happen, for a chat UI. A watch first sends every
 * call of the session so far (start order), then {@link CaughtUp}, then a call again each time it
 * starts or changes — its status, its confirmation (held, approved, denied, expired) or its
 * compensation. It reads the session the way {@code GetSession} does (same tenant and agent scope,
 * from the database, so calls made through any instance are seen) each time {@link SessionSignals}
 * says the session changed, and sends what differs from what it sent before; signals that arrive
 * while it reads make one more read. A watcher that does not take what it is sent falls at most
 * {@link #MAX_BUFFERED} updates behind: one more stops the watch at once (it reads no more), and
 * the watcher gets the updates held for it, then RESOURCE_EXHAUSTED. Thread-safe.
 */
@Singleton
public class SessionWatches implements io.micronaut.context.event.ApplicationEventListener<KeyRevoked> {
    /** Updates held for a watcher that does not read. */
    public static final int MAX_BUFFERED = 256;
    /** Open watches on one instance at most. */
    public static final int MAX_WATCHES = 1_000;

    /** What a watch sends. */
    public sealed interface Update permits CallChanged, CaughtUp {
    }

    /**
     * A call of the session as it is now.
     *
     * @param compensatedBy the call id of the succeeded compensating call that undid it, else ""
     * @param compensates   for a compensating call, the call id it undoes, else ""
     */
    public record CallChanged(StoredCall call, ToolCards.Card card, Optional<Confirmation> confirmation,
            String compensatedBy, String compensates) implements Update {
        public CallChanged {
            requireNonNull(call, "call");
            requireNonNull(card, "card");
            requireNonNull(confirmation, "confirmation");
            requireNonNull(compensatedBy, "compensatedBy");
            requireNonNull(compensates, "compensates");
        }
    }

    /** The calls so far were sent; what follows happens live. */
    public record CaughtUp() implements Update {
    }

    private final Sessions sessions;
    private final SessionCards cards;
    private final ConfirmationStore confirmations;
    private final SessionSignals signals;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final ExecutorService readers = Executors.newFixedThreadPool(4,
            Thread.ofPlatform().daemon().name("session-watch-", 0).factory());

    public SessionWatches(Sessions sessions, SessionCards cards, ConfirmationStore confirmations,
            SessionSignals signals) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.cards = requireNonNull(cards, "cards");
        this.confirmations = requireNonNull(confirmations, "confirmations");
        this.signals = requireNonNull(signals, "signals");
    }

    /**
     * The updates of a session for {@code principal}; the watch runs while the flux is subscribed.
     *
     * @throws GatewayException at once, as GetSession: PERMISSION_DENIED, INVALID_ARGUMENT
     */
    public Flux<Update> watch(Principal principal, String sessionId) {
        return watch(principal, sessionId, MAX_BUFFERED);
    }

    Flux<Update> watch(Principal principal, String sessionId, int maxBuffered) {
        requireNonNull(principal, "principal");
        sessions.authorize(principal, sessionId);
        Flux<Update> updates = Flux.create(sink -> {
            if (open.incrementAndGet() > MAX_WATCHES) {
                open.decrementAndGet();
                sink.error(GatewayException.resourceExhausted("TOO_MANY_WATCHES", "this gateway instance serves "
                        + MAX_WATCHES + " session watches already; retry later", Map.of(), Duration.ofSeconds(5)));
                return;
            }
            Watcher w = new Watcher(principal, sessionId, sink);
            Runnable unsubscribe = signals.subscribe(principal.tenantId(), sessionId, w::changed);
            watchers.add(w);
            sink.onDispose(() -> {
                unsubscribe.run();
                watchers.remove(w);
                open.decrementAndGet();
            });
            w.changed();
        }, FluxSink.OverflowStrategy.BUFFER);
        // exactly maxBuffered held; on overflow the watch stops at once, and the watcher gets what was
        // held, then the error
        return updates.onBackpressureBuffer(maxBuffered, reactor.core.publisher.BufferOverflowStrategy.ERROR)
                .onErrorMap(Exceptions::isOverflow, e -> GatewayException.resourceExhausted("WATCHER_TOO_SLOW",
                        "the watcher fell " + maxBuffered + " updates behind; watch again to get the session as it"
                                + " is now", Map.of("session_id", sessionId), Duration.ofSeconds(1)));
    }

    /** How many watches are open on this instance. */
    public int open() {
        return open.get();
    }

    /** Ends every open watch, as completed (the gateway drains). */
    public void endAll() {
        watchers.forEach(w -> w.sink.complete());
    }

    /** The watches of a key revoked through this instance or announced by another end, UNAUTHENTICATED. */
    @Override
    public void onApplicationEvent(KeyRevoked event) {
        watchers.stream().filter(w -> w.principal.keyId().equals(event.keyId())).forEach(w -> w.sink.error(
                GatewayException.unauthenticated("the API key of this watch was revoked")));
    }

    @PreDestroy
    void close() {
        endAll();
        readers.shutdownNow();
    }

    /** One watch: what it sent, and at most one read of the session at a time. */
    private final class Watcher {
        private final Principal principal;
        private final String sessionId;
        private final FluxSink<Update> sink;
        private final AtomicInteger pending = new AtomicInteger();
        /** Row id → what was sent of it; used by one read at a time. */
        private final Map<String, String> sent = new HashMap<>();
        private boolean caughtUp;

        Watcher(Principal principal, String sessionId, FluxSink<Update> sink) {
            this.principal = principal;
            this.sessionId = sessionId;
            this.sink = sink;
        }

        void changed() {
            if (pending.getAndIncrement() == 0) {
                try {
                    readers.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    sink.complete(); // stopping
                }
            }
        }

        private void drain() {
            int missed = 1;
            do {
                if (sink.isCancelled()) {
                    return;
                }
                try {
                    read();
                } catch (GatewayException e) {
                    sink.error(e);
                    return;
                } catch (RuntimeException e) {
                    sink.error(GatewayException.internal("reading the session failed", e));
                    return;
                }
                missed = pending.addAndGet(-missed);
            } while (missed != 0);
        }

        private void read() {
            Sessions.View v = sessions.view(principal, sessionId);
            Map<String, Confirmation> held = confirmations.ofSession(principal.tenantId(), sessionId,
                    Sessions.MAX_CALLS);
            for (SessionStore.SessionCall row : v.rows()) {
                StoredCall c = row.call();
                Optional<Confirmation> confirmation = Optional.ofNullable(held.get(c.callId()));
                if (c.pending() && confirmation.isEmpty()) {
                    continue; // its hold is being stored: the read its signal makes sends it with its confirmation
                }
                String by = v.compensatedBy().getOrDefault(c.callId(), "");
                String mark = c.status() + "|" + confirmation.map(k -> k.state().name()).orElse("") + "|" + by;
                if (!mark.equals(sent.put(row.rowId(), mark))) {
                    sink.next(new CallChanged(c, cards.of(principal.tenantId(), row), confirmation, by,
                            v.compensates().getOrDefault(c.callId(), "")));
                }
            }
            if (!caughtUp) {
                caughtUp = true;
                sink.next(new CaughtUp());
            }
        }
    }
}
