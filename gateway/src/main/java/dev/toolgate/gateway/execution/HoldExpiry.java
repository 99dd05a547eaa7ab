package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Closes holds whose time ran out: a pending one becomes {@code EXPIRED}, an approved one that
 * could not be sent is closed; either way its call is {@code DENIED} and the arguments masked.
 * Done when a hold is read and by {@link #sweep(int)}. Thread-safe.
 */
@Singleton
class HoldExpiry {
    private final ConfirmationStore store;
    private final CallLog log;
    private final HeldCallRecords records;
    private final Clock clock;

    HoldExpiry(ConfirmationStore store, CallLog log, HeldCallRecords records, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.log = requireNonNull(log, "log");
        this.records = requireNonNull(records, "records");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * The confirmation as it stands: a pending one past its expiry is marked expired, and an
     * approved one that could not be sent before its expiry is closed (both close the call).
     */
    Optional<Confirmation> current(String tenantId, String callId) {
        Optional<Confirmation> c = store.find(tenantId, callId);
        if (c.isEmpty() || !c.get().expiredAt(clock.instant())) {
            return c;
        }
        if (c.get().state() == Confirmation.State.PENDING) {
            expire(c.get(), clock.instant());
            return store.find(tenantId, callId);
        }
        if (c.get().state() == Confirmation.State.APPROVED) {
            closeUnsent(c.get());
        }
        return c;
    }

    /** A pending hold past its expiry: {@code EXPIRED}, masked, its call denied (once). */
    void expire(Confirmation c, Instant now) {
        if (store.expire(c, records.masked(c), now)) {
            log.finish(records.record(c), CallRecord.Outcome.refused(CallStatus.DENIED,
                    "the confirmation expired at " + c.expiresAt() + " unanswered; not executed"));
        }
    }

    /** An approval that was never sent (circuit or bulkhead refused it) and has expired: closed, once, and masked. */
    void closeUnsent(Confirmation c) {
        if (log.resume(c.tenantId(), c.callId())) {
            log.finish(records.record(c), CallRecord.Outcome.refused(CallStatus.DENIED, "approved by " + c.decidedBy()
                    + " but could not be sent before the confirmation expired at " + c.expiresAt() + "; not executed"));
        }
        records.maskOnceClosed(c);
    }

    /** See {@link HeldCalls#sweep(int)}. */
    int sweep(int batch) {
        Instant now = clock.instant();
        List<Confirmation> pending = store.expiredPending(now, batch);
        for (Confirmation c : pending) {
            expire(c, now);
        }
        List<Confirmation> unsent = store.expiredUnsent(now, batch);
        for (Confirmation c : unsent) {
            closeUnsent(c);
        }
        return pending.size() + unsent.size();
    }
}
