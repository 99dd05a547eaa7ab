package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A human's decision on a held call: who may decide, approve (then {@link ApprovedCallSender}
 * sends it, once) or deny, and the answer to a decision repeated or made too late. Thread-safe.
 */
@Singleton
class HoldDecisions {
    private final ConfirmationStore store;
    private final CallLog log;
    private final UpstreamDispatch dispatch;
    private final HoldExpiry expiry;
    private final ApprovedCallSender sender;
    private final HeldCallRecords records;
    private final Clock clock;

    HoldDecisions(ConfirmationStore store, CallLog log, UpstreamDispatch dispatch, HoldExpiry expiry,
            ApprovedCallSender sender, HeldCallRecords records, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.log = requireNonNull(log, "log");
        this.dispatch = requireNonNull(dispatch, "dispatch");
        this.expiry = requireNonNull(expiry, "expiry");
        this.sender = requireNonNull(sender, "sender");
        this.records = requireNonNull(records, "records");
        this.clock = requireNonNull(clock, "clock");
    }

    /** See {@link HeldCalls#decide}. */
    HeldCalls.CallView decide(Principal principal, String callId, boolean approve, String reason,
            Optional<Duration> clientDeadline) {
        CallDeadline deadline = dispatch.deadline(clientDeadline);
        if (principal.bootstrapAdmin() || !principal.hasScope(Scopes.TOOLS_CONFIRM)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "confirming calls needs a key of the tenant with"
                    + " the 'tools:confirm' scope");
        }
        HeldCallRecords.requireCallId(callId);
        if (reason.length() > 2000) {
            throw GatewayException.invalidArgument("reason", "reason is longer than 2000 chars");
        }
        Confirmation c = store.find(principal.tenantId(), callId).orElseThrow(() -> HeldCallRecords.notFound(callId));
        boolean sameAgent = c.keyId().equals(principal.keyId()) || c.agentId().equals(principal.agentId());
        if (sameAgent && !c.selfConfirm()) {
            throw GatewayException.permissionDenied("SELF_CONFIRMATION", "the key that made a call cannot confirm it"
                    + " (unless the policy rule says self_confirm: true); a human approves it through another key with"
                    + " the 'tools:confirm' scope");
        }
        Confirmation.State wanted = approve ? Confirmation.State.APPROVED : Confirmation.State.DENIED;
        Instant now = clock.instant();
        if (c.state() == Confirmation.State.PENDING && c.expiredAt(now)) {
            expiry.expire(c, now);
            c = store.find(principal.tenantId(), callId).orElseThrow();
        }
        if (c.state() == Confirmation.State.PENDING) {
            if (store.decide(c, wanted, principal.agentId(), principal.keyId(), reason,
                    approve ? c.arguments() : records.masked(c), now)) {
                Confirmation decided = store.find(principal.tenantId(), callId).orElseThrow();
                return approve ? sender.execute(decided, deadline) : deny(c, decided);
            }
            c = store.find(principal.tenantId(), callId).orElseThrow(); // decided or expired meanwhile
            if (c.state() == Confirmation.State.PENDING) {
                expiry.expire(c, clock.instant());
                c = store.find(principal.tenantId(), callId).orElseThrow();
            }
        }
        if (c.state() == wanted) {
            if (approve && log.findExecuted(c.tenantId(), callId).filter(StoredCall::pending).isPresent()) {
                if (c.expiredAt(clock.instant())) {
                    expiry.closeUnsent(c);
                    throw GatewayException.failedPrecondition("CONFIRMATION_EXPIRED", "call_id '" + callId + "' was"
                            + " approved but could not be sent before its confirmation expired at " + c.expiresAt()
                            + "; it was not executed — the agent must call again", Map.of("call_id", callId));
                }
                return sender.execute(c, deadline); // approved earlier but never sent: send it now, once
            }
            return records.view(c); // the same decision again: the call as it stands
        }
        if (c.state() == Confirmation.State.EXPIRED) {
            throw GatewayException.failedPrecondition("CONFIRMATION_EXPIRED", "the confirmation of call_id '" + callId
                    + "' expired at " + c.expiresAt() + " unanswered; the call was not executed — the agent must call"
                    + " again", Map.of("call_id", callId));
        }
        throw GatewayException.failedPrecondition("CONFIRMATION_DECIDED", "call_id '" + callId + "' was already "
                + c.state().name().toLowerCase(java.util.Locale.ROOT) + " by " + c.decidedBy() + " at "
                + c.decidedAt().map(Instant::toString).orElse("?"), Map.of("call_id", callId));
    }

    /** @param held the confirmation before the decision (its record has the full arguments' digest) */
    private HeldCalls.CallView deny(Confirmation held, Confirmation decided) {
        log.finish(records.record(held), CallRecord.Outcome.refused(CallStatus.DENIED, "denied by "
                + decided.decidedBy() + (decided.reason().isEmpty() ? "" : ": " + decided.reason()) + "; not executed"));
        return records.view(decided);
    }
}
