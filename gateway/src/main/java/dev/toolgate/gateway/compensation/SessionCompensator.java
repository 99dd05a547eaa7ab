package dev.toolgate.gateway.compensation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.session.CompensationIds;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.identity.UserProof;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.RecorderStats;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code CompensateSession}: undoes the caller's succeeded side-effecting calls of a session, latest
 * first, by calling each one's compensating tool through the normal call path (policy — where
 * {@code call.compensation} is true —, confirmation, audit, exactly-once). Each compensation's call
 * id is derived from the original call id and the attempt ({@link CompensationIds}), so a command
 * sent twice at once, or again after a gateway restart, runs each attempt once; a compensation that
 * already succeeded is not run again. The first step that does not complete (fails, is refused or
 * is held for a human) stops the command: the steps before it in the session stay NOT_STARTED, and
 * sending the command again resumes there (a failed step is tried again as a new attempt).
 * Thread-safe.
 */
@Singleton
public class SessionCompensator {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCompensator.class);
    /** Most calls of a session a command looks at (as GetSession). */
    static final int MAX_CALLS = 500;
    static final int MAX_REASON = 1000;
    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(1);

    private final ToolCallService calls;
    private final CompensationStore store;
    private final Catalog catalog;
    private final RecorderStats writer;
    private final Clock clock;

    public SessionCompensator(ToolCallService calls, CompensationStore store, Catalog catalog, RecorderStats writer,
            Clock clock) {
        this.calls = requireNonNull(calls, "calls");
        this.store = requireNonNull(store, "store");
        this.catalog = requireNonNull(catalog, "catalog");
        this.writer = requireNonNull(writer, "writer");
        this.clock = requireNonNull(clock, "clock");
    }

    /** How a command ended. */
    public enum State {
        /** Every compensable call is compensated (also when there was nothing to compensate). */
        COMPLETED,
        /** A step failed or waits for a human: send the command again to resume. */
        INCOMPLETE
    }

    /** The command's outcome: its state and every step, in the order they run (latest call first). */
    public record Outcome(String sessionId, State state, List<CompensationStep> steps) {
    }

    /**
     * Compensates the caller's calls in {@code sessionId}.
     *
     * @param user           the end user to make the compensating calls for, as on ExecuteTool
     * @param clientDeadline the time the client gives the whole command
     * @throws GatewayException INVALID_ARGUMENT (bad session id, reason too long), PERMISSION_DENIED
     *         (no {@code tools:call}), UNAVAILABLE (storage)
     */
    public Outcome compensate(Principal principal, String sessionId, String reason, UserProof user,
            Optional<Duration> clientDeadline) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS", "the bootstrap admin key"
                    + " administers tenants; compensate a session with a key of the tenant");
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call' scope");
        }
        if (!Identifiers.isCallId(sessionId)) {
            throw GatewayException.invalidArgument("session_id", "session_id must be 1-128 chars of letters, digits and"
                    + " . _ : -");
        }
        if (reason.length() > MAX_REASON) {
            throw GatewayException.invalidArgument("reason", "reason is longer than " + MAX_REASON + " chars");
        }
        long deadlineNanos = clientDeadline.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        store.recordRequest(principal.tenantId(), new CompensationStore.Request(sessionId, principal.agentId(), reason,
                clock.instant()));
        writer.awaitWritten(READ_YOUR_WRITES); // the outcomes of calls that finished before this command are in it
        List<CompensationStore.SessionCall> rows = store.sessionCalls(principal.tenantId(), sessionId,
                principal.agentId(), MAX_CALLS);
        List<CompensationStep> steps = new ArrayList<>();
        boolean blocked = false;
        for (CompensationStore.SessionCall original : compensable(principal.tenantId(), rows).reversed()) {
            Optional<Compensation> declared = store.find(principal.tenantId(), original.toolName());
            if (declared.isEmpty()) {
                steps.add(new CompensationStep(original.callId(), original.toolName(), "", "",
                        CompensationStep.Status.NO_COMPENSATION, 0, "", "", false));
                continue;
            }
            Compensation c = declared.get();
            if (blocked) {
                steps.add(new CompensationStep(original.callId(), original.toolName(), c.compensatingTool(), "",
                        CompensationStep.Status.NOT_STARTED, 0, "waits for the compensation of a later call", "",
                        false));
                continue;
            }
            CompensationStep step = step(principal, sessionId, original, c, rows, user, deadlineNanos);
            steps.add(step);
            blocked = step.status() != CompensationStep.Status.COMPENSATED;
        }
        return new Outcome(sessionId, blocked ? State.INCOMPLETE : State.COMPLETED, List.copyOf(steps));
    }

    /**
     * The session's succeeded calls of side-effecting tools, in start order, without the compensating
     * calls themselves.
     */
    private List<CompensationStore.SessionCall> compensable(String tenantId,
            List<CompensationStore.SessionCall> rows) {
        List<CompensationStore.SessionCall> out = new ArrayList<>();
        for (CompensationStore.SessionCall r : rows) {
            if (!CallStatus.SUCCEEDED.name().equals(r.status()) || isCompensation(r, rows)) {
                continue;
            }
            boolean readOnly = catalog.find(tenantId, r.toolName()).map(t -> t.annotations().readOnly())
                    .orElse(false);
            if (!readOnly) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean isCompensation(CompensationStore.SessionCall r, List<CompensationStore.SessionCall> rows) {
        return CompensationIds.parse(r.callId()).filter(a -> rows.stream()
                .anyMatch(o -> o != r && a.compensates(o.callId()))).isPresent();
    }

    private CompensationStep step(Principal principal, String sessionId, CompensationStore.SessionCall original,
            Compensation c, List<CompensationStore.SessionCall> rows, UserProof user, long deadlineNanos) {
        int last = 0;
        boolean lastOpen = false;
        for (CompensationStore.SessionCall r : rows) {
            Optional<CompensationIds.Attempt> a = CompensationIds.parse(r.callId());
            if (a.isEmpty() || !a.get().compensates(original.callId())) {
                continue;
            }
            if (CallStatus.SUCCEEDED.name().equals(r.status())) {
                return new CompensationStep(original.callId(), original.toolName(), c.compensatingTool(), r.callId(),
                        CompensationStep.Status.COMPENSATED, a.get().attempt(), "", r.result(), true);
            }
            boolean open = CallStatus.RUNNING.name().equals(r.status())
                    || CallStatus.PENDING_CONFIRMATION.name().equals(r.status());
            if (a.get().attempt() > last) {
                last = a.get().attempt();
                lastOpen = open;
            } else if (a.get().attempt() == last) {
                lastOpen |= open;
            }
        }
        int attempt = lastOpen ? last : last + 1;
        if (attempt > CompensationIds.MAX_ATTEMPTS) {
            return failed(original, c, "", last, "the compensation failed " + last + " times; the gateway does not try"
                    + " it again");
        }
        String callId = CompensationIds.of(original.callId(), attempt);
        String arguments;
        try {
            JsonNode args = parse(original.arguments());
            JsonNode result = original.result().isEmpty() ? JsonNodeFactory.instance.nullNode()
                    : parse(original.result());
            arguments = c.arguments(args, result).toString();
        } catch (IllegalArgumentException e) {
            return failed(original, c, "", 0, "the compensation's arguments cannot be built"
                    + (original.resultTruncated() ? " (the stored result was cut at its size cap)" : "") + ": "
                    + e.getMessage());
        }
        Optional<Duration> left = deadlineNanos == Long.MAX_VALUE ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        ExecuteCommand command = new ExecuteCommand(c.compensatingTool(), arguments, callId, sessionId, left,
                original.skill(), user, original.callId());
        try {
            CallResult r = calls.execute(principal, command);
            return switch (r.status()) {
                case SUCCEEDED -> new CompensationStep(original.callId(), original.toolName(), c.compensatingTool(),
                        callId, CompensationStep.Status.COMPENSATED, attempt, "", r.resultJson(), r.replayed());
                case PENDING_CONFIRMATION -> new CompensationStep(original.callId(), original.toolName(),
                        c.compensatingTool(), callId, CompensationStep.Status.PENDING_CONFIRMATION, attempt,
                        "held for a human's confirmation (ConfirmToolCall " + callId + "); send the command again"
                                + " once it is decided", r.resultJson(), r.replayed());
                default -> failed(original, c, callId, attempt, "the upstream answered " + r.upstreamStatus()
                        + " (" + r.status() + "): " + Identifiers.abbreviate(r.resultJson()));
            };
        } catch (GatewayException e) {
            LOG.info("compensation {} of call {} in session {} of tenant {} failed: {} {}", callId, original.callId(),
                    sessionId, principal.tenantId(), e.reason(), e.getMessage());
            return failed(original, c, callId, attempt, e.reason() + ": " + e.getMessage());
        }
    }

    private static CompensationStep failed(CompensationStore.SessionCall original, Compensation c, String callId,
            int attempt, String why) {
        return new CompensationStep(original.callId(), original.toolName(), c.compensatingTool(), callId,
                CompensationStep.Status.FAILED, attempt, why, "", false);
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSupport.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the stored call is not JSON: " + e.getMessage());
        }
    }
}
