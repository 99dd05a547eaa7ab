package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.confirm.ConfirmationStore;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.session.SessionSignals;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.Redactor;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Holds a started call for confirmation: takes its row as {@code PENDING_CONFIRMATION} and stores
 * what would run (tool version, full arguments, a summary a human reads) until
 * {@code toolgate.confirmations.ttl} from now. Thread-safe.
 */
@Singleton
class HoldCreation {
    private static final int MAX_SUMMARY_ARGUMENTS = 2000;

    private final ConfirmationStore store;
    private final CallLog log;
    private final Redactor redactor;
    private final Clock clock;
    private final Duration ttl;
    private final SessionSignals signals;

    HoldCreation(ConfirmationStore store, CallLog log, Redactor redactor, Clock clock,
            ConfirmationsProperties confirmations, SessionSignals signals) {
        Duration ttl = confirmations.ttl();
        this.signals = requireNonNull(signals, "signals");
        this.store = requireNonNull(store, "store");
        this.log = requireNonNull(log, "log");
        this.redactor = requireNonNull(redactor, "redactor");
        this.clock = requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("toolgate.confirmations.ttl must be more than 0 and at most 7 days, but"
                    + " was " + ttl);
        }
        this.ttl = ttl;
    }

    /** See {@link HeldCalls#hold}. */
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
                Confirmation.State.PENDING, now, now.plus(ttl), "", "", Optional.empty(), "", confirm.selfConfirm(),
                started.skill(), // an approval sends it with this skill's credentials, whoever approves
                started.userId()); // ... and with this user's connected account, never the approver's
        try {
            store.insert(c);
        } catch (RuntimeException e) {
            log.release(pending, CallRecord.Outcome.failed(CallStatus.FAILED, "the confirmation could not be stored"));
            throw e;
        }
        signals.changed(c.tenantId(), c.sessionId()); // the row was signalled before its confirmation existed
        return pendingResult(c, started.startedAt());
    }

    /** The answer to a held call, first or repeated. */
    static CallResult pendingResult(Confirmation c, Instant startedAt) {
        // a readable result, not an empty success: glue that hands result_json to the model tells it
        // that nothing ran yet and what happens next
        return new CallResult(c.callId(), CallStatus.PENDING_CONFIRMATION, OutcomeText.heldJson(c.callId(), c), true,
                0, Duration.ZERO,
                c.toolVersion(), false, startedAt, false, Optional.of(c));
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
}
