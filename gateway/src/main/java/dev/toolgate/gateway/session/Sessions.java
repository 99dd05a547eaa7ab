package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.RecorderStats;
import dev.toolgate.observability.StoredCall;
import java.time.Duration;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.toolgate.observability.CallStatus;

/**
 * {@code GetSession}: a session's calls for its agent (its own calls) or for a human with
 * {@code tools:confirm} or {@code admin} (every agent's calls), never across tenants.
 */
@Singleton
public class Sessions {
    public static final int MAX_CALLS = 500;

    /** How long a read waits for the audit writer to store the calls that finished before it. */
    static final Duration READ_YOUR_WRITES = Duration.ofSeconds(1);

    private final SessionStore store;
    private final RecorderStats writer;

    public Sessions(SessionStore store, RecorderStats writer) {
        this.store = requireNonNull(store, "store");
        this.writer = requireNonNull(writer, "writer");
    }

    /**
     * The calls in start order, and whether more exist.
     *
     * @param compensatedBy  call id → the id of the succeeded compensating call that undid it
     * @param compensates    compensating call id → the id of the call it undoes
     * @param compensations  the CompensateSession commands of the session
     */
    public record View(String sessionId, List<SessionStore.SessionCall> rows, boolean truncated,
            Map<String, String> compensatedBy, Map<String, String> compensates,
            List<SessionStore.CompensationCommand> compensations) {
        public View {
            rows = List.copyOf(rows);
        }

        /** The calls, in start order. */
        public List<StoredCall> calls() {
            return rows.stream().map(SessionStore.SessionCall::call).toList();
        }
    }

    public View view(Principal principal, String sessionId) {
        boolean everyAgent = authorize(principal, sessionId);
        writer.awaitWritten(READ_YOUR_WRITES); // the outcomes of calls that finished before this read are in it
        List<SessionStore.SessionCall> rows = store.calls(principal.tenantId(), sessionId, everyAgent ? ""
                : principal.agentId(), MAX_CALLS + 1);
        boolean truncated = rows.size() > MAX_CALLS;
        List<SessionStore.SessionCall> shownRows = truncated ? rows.subList(0, MAX_CALLS) : rows;
        List<StoredCall> shown = shownRows.stream().map(SessionStore.SessionCall::call).toList();
        Map<String, String> compensatedBy = new HashMap<>();
        Map<String, String> compensates = new HashMap<>();
        for (StoredCall c : shown) {
            CompensationIds.parse(c.callId()).ifPresent(a -> shown.stream()
                    .filter(o -> o != c && a.compensates(o.callId())).findFirst().ifPresent(o -> {
                        compensates.put(c.callId(), o.callId());
                        if (c.status() == CallStatus.SUCCEEDED) {
                            compensatedBy.put(o.callId(), c.callId());
                        }
                    }));
        }
        return new View(sessionId, shownRows, truncated, Map.copyOf(compensatedBy), Map.copyOf(compensates),
                store.compensations(principal.tenantId(), sessionId, everyAgent ? "" : principal.agentId()));
    }

    /**
     * Checks that {@code principal} may read sessions and that the id is well-formed.
     *
     * @return true when it reads every agent's calls, false for its own agent's only
     * @throws GatewayException PERMISSION_DENIED without a scope that reads sessions, INVALID_ARGUMENT
     *         for a malformed id
     */
    public boolean authorize(Principal principal, String sessionId) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS", "the bootstrap admin key"
                    + " administers tenants; read sessions with a key of the tenant");
        }
        boolean everyAgent = principal.hasScope(Scopes.TOOLS_CONFIRM) || principal.hasScope(Scopes.ADMIN);
        if (!everyAgent && !principal.hasScope(Scopes.TOOLS_CALL)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call' scope");
        }
        if (!Identifiers.isCallId(sessionId)) {
            throw GatewayException.invalidArgument("session_id", "session_id must be 1-128 chars of letters, digits and"
                    + " . _ : -");
        }
        return everyAgent;
    }
}
