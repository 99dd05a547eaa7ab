package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Calls held for a human: a call that needs confirmation is not executed but stored with what
 * would run (tool version, full arguments, a summary) until someone with {@code tools:confirm}
 * — never the key that made the call — approves it (it then executes, once) or denies it, or it
 * expires. The call's row is {@code PENDING_CONFIRMATION} meanwhile and its call id is taken, so
 * a repeated ExecuteTool gets the same pending answer. The full arguments stay in the
 * confirmation only while they may still run: a denial, an expiry, and the sending (or closing)
 * of an approved call replace them with the masked arguments its call record has. Expired holds
 * are closed when read and by {@link #sweep(int)}.
 *
 * <p>The entry point; each step has its own class: {@link HoldCreation} (hold),
 * {@link HoldDecisions} (approve, deny), {@link ApprovedCallSender} (send an approved call, once),
 * {@link HoldExpiry} (expire and close), {@link HeldCallRecords} (the held call's row, view and
 * masking). Thread-safe.
 */
@Singleton
public class HeldCalls implements CallReplays.PendingAnswers {
    private final ConfirmationStore store;
    private final CallLog log;
    private final HoldCreation creation;
    private final HoldDecisions decisions;
    private final HoldExpiry expiry;

    HeldCalls(ConfirmationStore store, CallLog log, HoldCreation creation, HoldDecisions decisions,
            HoldExpiry expiry) {
        this.store = requireNonNull(store, "store");
        this.log = requireNonNull(log, "log");
        this.creation = requireNonNull(creation, "creation");
        this.decisions = requireNonNull(decisions, "decisions");
        this.expiry = requireNonNull(expiry, "expiry");
    }

    /**
     * Holds a started call for confirmation: its row becomes {@code PENDING_CONFIRMATION} (or, for
     * a call id seen before, the earlier answer is replayed) and the confirmation is stored.
     *
     * @throws CallRefused when the hold cannot be recorded, or the call id is taken (not recorded yet)
     */
    CallResult hold(CallReplays replays, CallAdmission.Admitted admitted, CallAdmission.Confirm confirm,
            CallDeadline deadline) {
        return creation.hold(replays, admitted, confirm, deadline);
    }

    @Override
    public Instant runningSince(StoredCall s, String tenantId) {
        return store.find(tenantId, s.callId()).flatMap(Confirmation::decidedAt).orElse(s.startedAt());
    }

    /** A repeated call id whose first request is still held: the same pending answer. */
    @Override
    public CallResult answer(StoredCall s, String tenantId) {
        Confirmation c = expiry.current(tenantId, s.callId()).orElseThrow(() -> GatewayException.aborted(
                "CALL_IN_PROGRESS", "call_id '" + s.callId() + "' is being held for confirmation; send it again"));
        if (c.state() == Confirmation.State.EXPIRED) {
            throw GatewayException.failedPrecondition("CONFIRMATION_EXPIRED", "call_id '" + s.callId() + "' waited for"
                    + " a human's confirmation until " + c.expiresAt() + " and expired unanswered; it was not executed —"
                    + " call again with a new call_id", Map.of("call_id", s.callId(), "replayed", "true"));
        }
        return HoldCreation.pendingResult(c, s.startedAt()).replay();
    }

    /** The call with this id in the caller's tenant: its outcome so far and its confirmation. */
    public CallView view(Principal principal, String callId) {
        if (!principal.hasScope(Scopes.TOOLS_CALL) && !principal.hasScope(Scopes.TOOLS_CONFIRM)
                && !principal.hasScope(Scopes.ADMIN)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call',"
                    + " 'tools:confirm' or 'admin' scope");
        }
        HeldCallRecords.requireCallId(callId);
        Optional<Confirmation> confirmation = expiry.current(principal.tenantId(), callId);
        Optional<StoredCall> call = log.findExecuted(principal.tenantId(), callId);
        boolean everyAgent = principal.hasScope(Scopes.TOOLS_CONFIRM) || principal.hasScope(Scopes.ADMIN);
        if (call.isEmpty() || !everyAgent && !call.get().agentId().equals(principal.agentId())) {
            throw HeldCallRecords.notFound(callId); // an agent sees its own calls; tools:confirm or admin sees all
        }
        return new CallView(call.get(), confirmation);
    }

    /**
     * Approves (executes, once) or denies a held call.
     *
     * @throws GatewayException PERMISSION_DENIED without {@code tools:confirm} or for the key that
     *         made the call; NOT_FOUND when the tenant has no such held call; FAILED_PRECONDITION
     *         when it was decided the other way, expired, or its tool changed since
     */
    public CallView decide(Principal principal, String callId, boolean approve, String reason, Optional<Duration>
            clientDeadline) {
        return decisions.decide(principal, callId, approve, reason, clientDeadline);
    }

    /**
     * Closes what expired without anyone reading it: pending holds past their expiry become
     * {@code EXPIRED} (their calls {@code DENIED}), approvals that could not be sent before
     * their expiry are closed; either way the arguments are masked. Safe on several instances at
     * once (each close is a conditional update or the call's lock).
     *
     * @param batch most confirmations handled per kind in one sweep
     * @return how many confirmations were looked at
     */
    public int sweep(int batch) {
        return expiry.sweep(batch);
    }

    /** A call as GetToolCall and ConfirmToolCall report it. */
    public record CallView(StoredCall call, Optional<Confirmation> confirmation) {
    }
}
