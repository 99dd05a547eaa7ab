package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.cards.ToolCards;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;

/**
 * The tool cards of stored calls (GetToolCall, ConfirmToolCall, GetSession, WatchSession): rendered
 * from the arguments as the call record keeps them, so redacted before the narration sees them, and
 * the call's stored status, result and error. Thread-safe.
 */
@Singleton
public class SessionCards {
    private final ToolCards cards;
    private final SessionStore store;

    public SessionCards(ToolCards cards, SessionStore store) {
        this.cards = requireNonNull(cards, "cards");
        this.store = requireNonNull(store, "store");
    }

    /** The card of a session's row. */
    public ToolCards.Card of(String tenantId, SessionStore.SessionCall row) {
        return of(tenantId, row.call(), row.arguments());
    }

    /** The card of a call whose stored arguments are read here ({@code {}} while its record is not written). */
    public ToolCards.Card of(String tenantId, StoredCall call) {
        return of(tenantId, call, store.arguments(tenantId, call.callId()).orElse("{}"));
    }

    private ToolCards.Card of(String tenantId, StoredCall call, String arguments) {
        return cards.card(tenantId, call.toolName(), arguments, call.status(), call.result(), call.error());
    }
}
