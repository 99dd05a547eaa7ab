package dev.toolgate.gateway.session;

import static java.util.Objects.requireNonNull;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStore;
import dev.toolgate.observability.StoredCall;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link CallStore} that raises {@link SessionSignals#changed} for the sessions of what it wrote,
 * once the write returned: a watcher that reads the session then sees the change. Thread-safe.
 */
public final class SignallingCallStore implements CallStore {
    private final CallStore store;
    private final SessionSignals signals;

    public SignallingCallStore(CallStore store, SessionSignals signals) {
        this.store = requireNonNull(store, "store");
        this.signals = requireNonNull(signals, "signals");
    }

    @Override
    public boolean start(CallRecord record, String rowId) {
        boolean started = store.start(record, rowId);
        if (started) {
            signals.changed(record.tenantId(), record.sessionId());
        }
        return started;
    }

    @Override
    public void finish(CallRecord record) {
        store.finish(record);
        signals.changed(record.tenantId(), record.sessionId());
    }

    @Override
    public void release(CallRecord record) {
        store.release(record);
        signals.changed(record.tenantId(), record.sessionId());
    }

    @Override
    public List<String> writeAll(List<Insert> inserts, List<CallRecord> finishes, List<CallRecord> releases,
            List<Settle> settles) {
        List<String> missing = store.writeAll(inserts, finishes, releases, settles);
        Set<List<String>> sessions = new LinkedHashSet<>();
        inserts.forEach(i -> sessions.add(List.of(i.record().tenantId(), i.record().sessionId())));
        finishes.forEach(r -> sessions.add(List.of(r.tenantId(), r.sessionId())));
        releases.forEach(r -> sessions.add(List.of(r.tenantId(), r.sessionId())));
        settles.forEach(s -> sessions.add(List.of(s.record().tenantId(), s.record().sessionId())));
        sessions.forEach(s -> signals.changed(s.get(0), s.get(1)));
        return missing;
    }

    @Override
    public Optional<StoredCall> findExecuted(String tenantId, String callId) {
        return store.findExecuted(tenantId, callId);
    }

    /** An approved call now runs: its session is read back (approvals are rare) to signal it. */
    @Override
    public boolean resume(String tenantId, String callId) {
        boolean resumed = store.resume(tenantId, callId);
        if (resumed) {
            try {
                store.findExecuted(tenantId, callId).ifPresent(c -> signals.changed(tenantId, c.sessionId()));
            } catch (RuntimeException e) {
                // the watchers see the call when it finishes
            }
        }
        return resumed;
    }

    @Override
    public boolean ping() {
        return store.ping();
    }

    @Override
    public CallRecord redact(CallRecord record) {
        return store.redact(record);
    }
}
