package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.Redactor;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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
 * are closed when read and by {@link #sweep(int)}. Thread-safe.
 */
@Singleton
public class HeldCalls implements CallReplays.PendingAnswers {
    private static final int MAX_SUMMARY_ARGUMENTS = 2000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeldCalls.class);

    private final ConfirmationStore store;
    private final Catalog catalog;
    private final ArgumentParser parser;
    private final CallLog log;
    private final UpstreamDispatch dispatch;
    private final Clock clock;
    private final Duration ttl;
    private final Redactor redactor;

    HeldCalls(ConfirmationStore store, Catalog catalog, ArgumentParser parser, CallLog log, UpstreamDispatch dispatch,
            Redactor redactor, Clock clock, ConfirmationsProperties confirmations) {
        Duration ttl = confirmations.ttl();
        this.redactor = requireNonNull(redactor, "redactor");
        this.store = requireNonNull(store, "store");
        this.catalog = requireNonNull(catalog, "catalog");
        this.parser = requireNonNull(parser, "parser");
        this.log = requireNonNull(log, "log");
        this.dispatch = requireNonNull(dispatch, "dispatch");
        this.clock = requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("toolgate.confirmations.ttl must be more than 0 and at most 7 days, but"
                    + " was " + ttl);
        }
        this.ttl = ttl;
    }

    /**
     * Holds a started call for confirmation: its row becomes {@code PENDING_CONFIRMATION} (or, for
     * a call id seen before, the earlier answer is replayed) and the confirmation is stored.
     *
     * @throws CallRefused when the hold cannot be recorded, or the call id is taken (not recorded yet)
     */
    CallResult hold(CallReplays replays, CallAdmission.Admitted admitted, CallAdmission.Confirm confirm,
            CallDeadline deadline) {
        CallRecord started = admitted.call();
        ToolDefinition tool = admitted.tool();
        JsonNode arguments = admitted.arguments();
        CallRecord pending = started.pending();
        Optional<CallResult> replay;
        try {
            replay = replays.startOrReplay(pending, deadline);
        } catch (CallLog.RecordUnavailable e) {
            // recorded as refused, which settles a hold row that may have been written
            throw CallRefused.of(Refusal.CALL_RECORD_UNAVAILABLE, started, e.error());
        }
        if (replay.isPresent()) {
            return replay.get();
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Confirmation c = new Confirmation(Identifiers.newId("conf"), started.tenantId(), started.callId(),
                started.agentId(), started.keyId(), started.sessionId(), tool.qualifiedName(), tool.version(),
                arguments.toString(), summary(tool, arguments, confirm.reason()), confirm.ruleId(),
                Confirmation.State.PENDING, now, now.plus(ttl), "", "", Optional.empty(), "", confirm.selfConfirm());
        try {
            store.insert(c);
        } catch (RuntimeException e) {
            log.release(pending, CallRecord.Outcome.failed(CallStatus.FAILED, "the confirmation could not be stored"));
            throw e;
        }
        return pendingResult(c, started.startedAt());
    }

    @Override
    public Instant runningSince(StoredCall s, String tenantId) {
        return store.find(tenantId, s.callId()).flatMap(Confirmation::decidedAt).orElse(s.startedAt());
    }

    /** A repeated call id whose first request is still held: the same pending answer. */
    @Override
    public CallResult answer(StoredCall s, String tenantId) {
        Confirmation c = current(tenantId, s.callId()).orElseThrow(() -> GatewayException.aborted(
                "CALL_IN_PROGRESS", "call_id '" + s.callId() + "' is being held for confirmation; send it again"));
        if (c.state() == Confirmation.State.EXPIRED) {
            throw GatewayException.failedPrecondition("CONFIRMATION_EXPIRED", "call_id '" + s.callId() + "' waited for"
                    + " a human's confirmation until " + c.expiresAt() + " and expired unanswered; it was not executed —"
                    + " call again with a new call_id", Map.of("call_id", s.callId(), "replayed", "true"));
        }
        return pendingResult(c, s.startedAt()).replay();
    }

    /**
     * The confirmation as it stands: a pending one past its expiry is marked expired, and an
     * approved one that could not be sent before its expiry is closed (both close the call).
     */
    private Optional<Confirmation> current(String tenantId, String callId) {
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

    /** An approval that was never sent (circuit or bulkhead refused it) and has expired: closed, once, and masked. */
    private void closeUnsent(Confirmation c) {
        if (log.resume(c.tenantId(), c.callId())) {
            log.finish(record(c), CallRecord.Outcome.refused(CallStatus.DENIED, "approved by " + c.decidedBy()
                    + " but could not be sent before the confirmation expired at " + c.expiresAt() + "; not executed"));
        }
        maskOnceClosed(c);
    }

    private static CallResult pendingResult(Confirmation c, Instant startedAt) {
        // a readable result, not an empty success: glue that hands result_json to the model tells it
        // that nothing ran yet and what happens next
        return new CallResult(c.callId(), CallStatus.PENDING_CONFIRMATION, OutcomeText.heldJson(c.callId(), c), true,
                0, Duration.ZERO,
                c.toolVersion(), false, startedAt, false, Optional.of(c));
    }

    /** The call with this id in the caller's tenant: its outcome so far and its confirmation. */
    public CallView view(Principal principal, String callId) {
        if (!principal.hasScope(Scopes.TOOLS_CALL) && !principal.hasScope(Scopes.TOOLS_CONFIRM)
                && !principal.hasScope(Scopes.ADMIN)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call',"
                    + " 'tools:confirm' or 'admin' scope");
        }
        requireCallId(callId);
        Optional<Confirmation> confirmation = current(principal.tenantId(), callId);
        Optional<StoredCall> call = log.findExecuted(principal.tenantId(), callId);
        boolean everyAgent = principal.hasScope(Scopes.TOOLS_CONFIRM) || principal.hasScope(Scopes.ADMIN);
        if (call.isEmpty() || !everyAgent && !call.get().agentId().equals(principal.agentId())) {
            throw notFound(callId); // an agent sees its own calls; a human with tools:confirm or admin sees all
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
        CallDeadline deadline = dispatch.deadline(clientDeadline);
        if (principal.bootstrapAdmin() || !principal.hasScope(Scopes.TOOLS_CONFIRM)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "confirming calls needs a key of the tenant with"
                    + " the 'tools:confirm' scope");
        }
        requireCallId(callId);
        if (reason.length() > 2000) {
            throw GatewayException.invalidArgument("reason", "reason is longer than 2000 chars");
        }
        Confirmation c = store.find(principal.tenantId(), callId).orElseThrow(() -> notFound(callId));
        boolean sameAgent = c.keyId().equals(principal.keyId()) || c.agentId().equals(principal.agentId());
        if (sameAgent && !c.selfConfirm()) {
            throw GatewayException.permissionDenied("SELF_CONFIRMATION", "the key that made a call cannot confirm it"
                    + " (unless the policy rule says self_confirm: true); a human approves it through another key with"
                    + " the 'tools:confirm' scope");
        }
        Confirmation.State wanted = approve ? Confirmation.State.APPROVED : Confirmation.State.DENIED;
        Instant now = clock.instant();
        if (c.state() == Confirmation.State.PENDING && c.expiredAt(now)) {
            expire(c, now);
            c = store.find(principal.tenantId(), callId).orElseThrow();
        }
        if (c.state() == Confirmation.State.PENDING) {
            if (store.decide(c, wanted, principal.agentId(), principal.keyId(), reason,
                    approve ? c.arguments() : masked(c), now)) {
                Confirmation decided = store.find(principal.tenantId(), callId).orElseThrow();
                return approve ? execute(decided, deadline) : deny(c, decided);
            }
            c = store.find(principal.tenantId(), callId).orElseThrow(); // decided or expired meanwhile
            if (c.state() == Confirmation.State.PENDING) {
                expire(c, clock.instant());
                c = store.find(principal.tenantId(), callId).orElseThrow();
            }
        }
        if (c.state() == wanted) {
            if (approve && log.findExecuted(c.tenantId(), callId).filter(StoredCall::pending).isPresent()) {
                if (c.expiredAt(clock.instant())) {
                    closeUnsent(c);
                    throw GatewayException.failedPrecondition("CONFIRMATION_EXPIRED", "call_id '" + callId + "' was"
                            + " approved but could not be sent before its confirmation expired at " + c.expiresAt()
                            + "; it was not executed — the agent must call again", Map.of("call_id", callId));
                }
                return execute(c, deadline); // approved earlier but never sent: send it now, once
            }
            return view(c); // the same decision again: the call as it stands
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

    private void expire(Confirmation c, Instant now) {
        if (store.expire(c, masked(c), now)) {
            log.finish(record(c), CallRecord.Outcome.refused(CallStatus.DENIED,
                    "the confirmation expired at " + c.expiresAt() + " unanswered; not executed"));
        }
    }

    /** @param held the confirmation before the decision (its record has the full arguments' digest) */
    private CallView deny(Confirmation held, Confirmation decided) {
        log.finish(record(held), CallRecord.Outcome.refused(CallStatus.DENIED, "denied by " + decided.decidedBy()
                + (decided.reason().isEmpty() ? "" : ": " + decided.reason()) + "; not executed"));
        return view(decided);
    }

    /** The arguments as the call record keeps them: secrets masked. */
    private String masked(Confirmation c) {
        return redactor.redact(c.toolName(), c.arguments());
    }

    /** Masks an approved confirmation's arguments once its call is no longer held (sent, failed or closed). */
    private void maskOnceClosed(Confirmation c) {
        try {
            if (log.findExecuted(c.tenantId(), c.callId()).filter(StoredCall::pending).isEmpty()) {
                store.maskArguments(c, masked(c));
            }
        } catch (RuntimeException e) { // the call's outcome stands; only the masking is missed
            LOG.warn("could not mask the arguments of the closed confirmation of call {} of tenant {}: {}",
                    c.callId(), c.tenantId(), e.getMessage());
        }
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

    private CallView execute(Confirmation c, CallDeadline deadline) {
        try {
            return send(c, deadline);
        } finally {
            maskOnceClosed(c); // sent, failed or closed: the full arguments are no longer needed
        }
    }

    private CallView send(Confirmation c, CallDeadline deadline) {
        CallRecord started = record(c);
        ToolDefinition tool = catalog.find(c.tenantId(), c.toolName()).filter(t -> t.version() == c.toolVersion())
                .orElse(null);
        if (tool == null) {
            if (log.resume(c.tenantId(), c.callId())) { // the lock: only one request closes or sends it
                log.finish(started, CallRecord.Outcome.failed(CallStatus.FAILED, "tool " + c.toolName() + " changed or"
                        + " was deleted after version " + c.toolVersion() + " was approved; not executed"));
            }
            throw GatewayException.failedPrecondition("TOOL_CHANGED", "tool '" + c.toolName() + "' is no longer at the"
                    + " approved version " + c.toolVersion() + "; the call was not executed — the agent must call again",
                    Map.of("call_id", c.callId()));
        }
        PreparedCall prepared;
        try {
            prepared = dispatch.prepare(tool, parser.parse(c.arguments()), c.callId());
        } catch (GatewayException | UpstreamFailure e) {
            if (log.resume(c.tenantId(), c.callId())) {
                log.finish(started, CallRecord.Outcome.failed(CallStatus.FAILED, e.getMessage()));
            }
            throw e;
        }
        if (CallDeadline.tooShort(deadline.remaining(tool.timeout()))) {
            throw approvalTooLate(c);
        }
        // a refusal by the integration (circuit open, bulkhead full) leaves the call approved and held: confirming
        // again sends it
        try {
            dispatch.send(tool, prepared, c.callId(), deadline, new UpstreamDispatch.Sending() {
                @Override
                public void notAdmitted(GatewayException e) {
                    // the call stays held (approved); the caller is told why it was not sent
                }

                @Override
                public Optional<CallLog.Execution> admitted(Duration timeout) {
                    if (CallDeadline.tooShort(timeout)) {
                        throw approvalTooLate(c);
                    }
                    if (!log.resume(c.tenantId(), c.callId())) {
                        return Optional.empty(); // another request is sending it, or it was closed
                    }
                    return Optional.of(CallLog.Execution.started(started));
                }

                @Override
                public void measured(long upstreamNanos) {
                    // only direct calls measure the gateway's overhead
                }
            });
        } catch (GatewayException e) {
            if (log.findExecuted(c.tenantId(), c.callId()).filter(StoredCall::pending).isPresent()) {
                throw e; // not sent: say why; the approval stands
            }
            // sent and failed: its row says how, and so does the view
        }
        return view(c);
    }

    private static GatewayException approvalTooLate(Confirmation c) {
        return GatewayException.deadlineExceeded("DEADLINE_TOO_SHORT", "the approval's deadline leaves no time to run"
                + " the call; it stays approved and is sent when you confirm again", Map.of("call_id", c.callId()));
    }

    private CallView view(Confirmation c) {
        StoredCall call = log.findExecuted(c.tenantId(), c.callId()).orElseThrow(() -> notFound(c.callId()));
        return new CallView(call, Optional.of(c));
    }

    /** The held call's record, to finish it: same tenant, call id, start and arguments digest. */
    private CallRecord record(Confirmation c) {
        JsonNode args = parser.parse(c.arguments());
        return CallRecord.builder().tenantId(c.tenantId()).callId(c.callId()).agentId(c.agentId()).keyId(c.keyId())
                .sessionId(c.sessionId()).toolName(c.toolName()).toolVersion(c.toolVersion())
                .arguments(c.arguments()).argumentsDigest(Digests.canonicalJsonSha256(args)).startedAt(c.createdAt())
                .build();
    }

    private String summary(ToolDefinition tool, JsonNode arguments, String reason) {
        String description = tool.description().lines().findFirst().orElse("");
        if (description.length() > 200) {
            description = description.substring(0, 197) + "...";
        }
        String args = redactor.redact(tool.qualifiedName(), arguments.toString()); // humans see no secrets either
        if (args.length() > MAX_SUMMARY_ARGUMENTS) {
            args = args.substring(0, MAX_SUMMARY_ARGUMENTS) + "\n…(cut; the full arguments are stored with the call)";
        }
        return "Call " + tool.qualifiedName() + " (version " + tool.version() + ")" + (description.isEmpty() ? ""
                : " — " + description) + "\nwith arguments:\n" + args + (reason.isEmpty() ? "" : "\nWhy a human must"
                + " confirm: " + reason);
    }

    private static void requireCallId(String callId) {
        if (!Identifiers.CALL_ID.matcher(callId).matches()) {
            throw GatewayException.invalidArgument("call_id", "call_id must be 1-128 chars of letters, digits and"
                    + " . _ : -");
        }
    }

    private static GatewayException notFound(String callId) {
        return GatewayException.notFound("CALL_NOT_FOUND", "no executed or held call with call_id '" + callId
                + "' in this tenant", List.of());
    }

    /** A call as GetToolCall and ConfirmToolCall report it. */
    public record CallView(StoredCall call, Optional<Confirmation> confirmation) {
    }
}
