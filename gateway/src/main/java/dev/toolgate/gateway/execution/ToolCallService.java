package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.StorageFailures;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.policy.ToolVisibility;
import dev.toolgate.gateway.resilience.IntegrationGuard;
import dev.toolgate.gateway.resilience.IntegrationGuards;
import dev.toolgate.gateway.session.SessionStore;
import dev.toolgate.gateway.telemetry.CallSpans;
import dev.toolgate.gateway.telemetry.GatewayMetrics;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.ToolExecutor;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.policy.Decision;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicyRequest;
import dev.toolgate.policy.ToolTraits;
import dev.toolgate.policy.Verdict;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call path of {@code ExecuteTool}: scope check, tool lookup, argument validation, policy
 * decision, request preparation, durable start record (or the replay of a call id's first execution),
 * upstream call, finish record. Every call that
 * passed authentication leaves a row, whether it was refused, failed or succeeded; an
 * upstream is never called unless its start row was written first, nor after the client's
 * deadline has passed. Thread-safe.
 */
@Singleton
public class ToolCallService {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCallService.class);
    private static final int MAX_TOOL_NAME = 200;
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    private final Catalog catalog;
    private final ArgumentParser parser;
    private final ToolExecutor executor;
    private final PolicyEngine policy;
    private final ToolVisibility visibility;
    private final CallLog log;
    private final CallReplays replays;
    private final HeldCalls held;
    private final SessionStore sessions;
    private final IntegrationGuards guards;
    private final CallSpans spans;
    private final GatewayMetrics metrics;
    private final Clock clock;

    public ToolCallService(Catalog catalog, ArgumentParser parser, ToolExecutor executor, PolicyEngine policy,
            ToolVisibility visibility, CallRecorder recorder, HeldCalls held, SessionStore sessions,
            IntegrationGuards guards, CallSpans spans, GatewayMetrics metrics, Clock clock) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.spans = requireNonNull(spans, "spans");
        this.catalog = requireNonNull(catalog, "catalog");
        this.parser = requireNonNull(parser, "parser");
        this.executor = requireNonNull(executor, "executor");
        this.policy = requireNonNull(policy, "policy");
        this.visibility = requireNonNull(visibility, "visibility");
        this.log = new CallLog(recorder, clock);
        this.held = requireNonNull(held, "held");
        this.sessions = requireNonNull(sessions, "sessions");
        this.guards = requireNonNull(guards, "guards");
        this.replays = new CallReplays(log, held, clock);
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Executes one call.
     *
     * @return the upstream's answer (success or upstream error)
     * @throws GatewayException for refusals (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
     *         ALREADY_EXISTS, FAILED_PRECONDITION), when the upstream gave no answer
     *         (DEADLINE_EXCEEDED, UNAVAILABLE) and when storage is down (UNAVAILABLE)
     */
    public CallResult execute(Principal principal, ExecuteCommand command) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; call tools with a key of the tenant");
        }
        Span span = spans.start(io.opentelemetry.context.Context.current(), Identifiers.abbreviate(command.tool()));
        span.setAttribute(CallSpans.TENANT, principal.tenantId());
        span.setAttribute(CallSpans.AGENT, principal.agentId());
        if (!command.sessionId().isEmpty()) {
            span.setAttribute(CallSpans.SESSION, Identifiers.abbreviate(command.sessionId()));
        }
        long startNanos = System.nanoTime();
        Labels labels = new Labels();
        String outcome = "FAILED";
        try (Scope ignored = span.makeCurrent()) {
            CallResult r = executeTraced(principal, command, span, labels);
            outcome = r.status().name();
            spans.content(span, CallSpans.RESULT, labels.tool, r.resultJson());
            span.setAttribute(CallSpans.STATUS, r.status().name());
            span.setAttribute(CallSpans.REPLAYED, r.replayed());
            if (r.isError()) {
                span.setAttribute(CallSpans.ERROR_TYPE, "upstream_status_" + r.upstreamStatus());
                span.setStatus(StatusCode.ERROR);
            }
            return r;
        } catch (GatewayException e) {
            CallSpans.failed(span, e);
            outcome = e.reason();
            throw e;
        } catch (RuntimeException e) {
            CallSpans.failed(span, e);
            throw e;
        } finally {
            span.end();
            long took = System.nanoTime() - startNanos;
            metrics.call(principal.tenantId(), labels.tool, outcome, labels.decision, Duration.ofNanos(took));
            if (labels.upstreamNanos > 0) {
                metrics.overhead(principal.tenantId(), took - labels.upstreamNanos);
            }
        }
    }

    /** What the metrics label a call with, filled in as it becomes known. */
    private static final class Labels {
        private String tool = GatewayMetrics.UNKNOWN_TOOL;
        private String decision = "";
        /** Time the upstream took; 0 when the call did not reach it. */
        private long upstreamNanos;
    }

    private CallResult executeTraced(Principal principal, ExecuteCommand command, Span span, Labels labels) {
        Instant startedAt = clock.instant().truncatedTo(ChronoUnit.MICROS); // as stored: a replay answers the same
        long startNanos = System.nanoTime();
        long deadlineNanos = command.clientDeadline().map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
        List<FieldViolation> shape = checkShape(command);
        String callId = command.callId().isEmpty() || !shape.isEmpty() && !validCallId(command.callId())
                ? Identifiers.newId("call") : command.callId();
        span.setAttribute(CallSpans.TOOL_CALL_ID, callId);
        CallRecord.Builder record = CallRecord.builder()
                .tenantId(principal.tenantId()).callId(callId)
                .traceId(span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : "")
                .agentId(principal.agentId()).keyId(principal.keyId())
                .sessionId(validCallId(command.sessionId()) ? command.sessionId() : "")
                .toolName(Identifiers.abbreviate(command.tool()))
                .arguments(command.argumentsJson())
                .startedAt(startedAt);

        if (!shape.isEmpty()) {
            throw log.refuse(record.build(), CallStatus.INVALID_ARGUMENTS,
                    GatewayException.invalidArgument(Identifiers.summary(shape), shape));
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw log.refuse(record.build(), CallStatus.DENIED, GatewayException.permissionDenied("MISSING_SCOPE",
                    "this API key lacks the 'tools:call' scope"));
        }
        ToolDefinition tool = catalog.find(principal.tenantId(), command.tool()).orElseThrow(() -> log.refuse(
                record.build(), CallStatus.TOOL_NOT_FOUND, GatewayException.notFound("TOOL_NOT_FOUND",
                        "tool '" + Identifiers.abbreviate(command.tool()) + "' does not exist",
                        visibility.closest(principal, command.tool()))));
        record.toolName(tool.qualifiedName()).toolVersion(tool.version());
        CallSpans.tool(span, tool);
        labels.tool = tool.qualifiedName();
        Optional<Decision> hidden = visibility.hiding(principal, tool);
        if (hidden.isPresent()) { // before validation: a hidden tool's schema is not described to this agent
            throw notAvailable(hidden.get(), tool, record, callId, span, labels);
        }

        JsonNode arguments = spans.stage("validate", () -> parseAndValidate(principal, tool, command, startedAt,
                record));
        record.argumentsDigest(Digests.canonicalJsonSha256(arguments)); // a repeated call id must name the same call
        spans.content(span, CallSpans.ARGUMENTS, tool.qualifiedName(), command.argumentsJson());
        Decision decision = spans.stage("policy", () -> policy.decide(policyRequest(principal, tool, arguments,
                command, startedAt)));
        record.policy(mark(decision));
        span.setAttribute(CallSpans.DECISION, decision.verdict().label());
        labels.decision = decision.verdict().label();
        span.setAttribute(CallSpans.RULE, decision.ruleId());
        span.setAttribute(CallSpans.POLICY_VERSION, decision.version());
        enforce(decision, tool, record, callId);

        PreparedCall prepared = prepare(tool, arguments, record); // refuses what could not be sent, held or not
        if (!log.awaitRoom(remaining(tool, deadlineNanos))) { // a writer that is behind slows calls down
            throw log.refuse(record.build(), CallStatus.FAILED, GatewayException.unavailable("AUDIT_BACKLOG_FULL",
                    log.storeAvailable()
                            ? "the gateway cannot record calls fast enough right now (its audit buffer stayed full"
                                    + " for the call's whole time); nothing was executed, retry later"
                            : "the gateway cannot record calls right now (its audit buffer is full while the"
                                    + " database is unreachable); nothing was executed, retry later",
                    Map.of("call_id", callId)));
        }
        if (decision.verdict() == Verdict.CONFIRM || tool.annotations().requiresConfirmation()) {
            boolean byRule = decision.verdict() == Verdict.CONFIRM;
            return held.hold(replays, record.build(), tool, arguments, byRule ? decision.ruleId() : "",
                    byRule ? decision.reason() : "tool '" + tool.qualifiedName() + "' requires a human to confirm each"
                            + " call", byRule && decision.selfConfirm(), deadlineNanos);
        }
        if (remaining(tool, deadlineNanos).compareTo(MIN_TIMEOUT) < 0) {
            throw log.refuse(record.build(), CallStatus.TIMEOUT, tooLate(callId));
        }
        CallRecord started = record.build();
        Begun begun = begin(started, tool, command.callId().isEmpty(), deadlineNanos);
        if (begun.replay().isPresent()) {
            return begun.replay().get();
        }
        CallLog.Execution execution = begun.execution();
        IntegrationGuard guard = guards.of(tool.integration());
        IntegrationGuard.Permit permit;
        try {
            permit = guard.admit(started.callId());
        } catch (GatewayException e) {
            log.release(execution, CallRecord.Outcome.failed(CallStatus.UPSTREAM_UNAVAILABLE, e.getMessage()));
            throw e;
        }
        try (permit) {
            Duration timeout = remaining(tool, deadlineNanos);
            if (timeout.compareTo(MIN_TIMEOUT) < 0) {
                log.release(execution, CallRecord.Outcome.failed(CallStatus.TIMEOUT,
                        "client deadline passed before sending"));
                throw tooLate(callId);
            }
            boolean safe = guard.retriable(tool.annotations().readOnly(), tool.annotations().idempotent());
            TimedCall timed = new TimedCall(guard.guard(prepared, safe, started.callId(), permit), metrics, tool);
            try {
                return UpstreamSend.send(log, tool, timed, execution, timeout, startNanos);
            } finally {
                labels.upstreamNanos = timed.nanos();
            }
        }
    }

    /** How an execution begins: as a replay of the call id's first one, or as its own execution. */
    private record Begun(Optional<CallResult> replay, CallLog.Execution execution) {
    }

    /**
     * Takes the call id's lock (its start row) or replays its first execution. A read-only call
     * needs no lock when the gateway chose its call id (no earlier execution can exist), nor while
     * the database is unreachable: it runs, and its record is written once it ends.
     *
     * @throws GatewayException UNAVAILABLE (recorded) for a side-effecting call when the database
     *         cannot take its start row: it never runs unrecorded
     */
    private Begun begin(CallRecord started, ToolDefinition tool, boolean generatedId, long deadlineNanos) {
        CallLog.Execution buffered = CallLog.Execution.buffered(started);
        boolean readOnly = tool.annotations().readOnly();
        if (readOnly && (generatedId || !log.storeAvailable())) {
            return new Begun(Optional.empty(), buffered);
        }
        try {
            Optional<CallResult> replay = replays.startOrReplay(started, deadlineNanos);
            return new Begun(replay, CallLog.Execution.started(started));
        } catch (GatewayException e) {
            if (!CallLog.RECORD_UNAVAILABLE.equals(e.reason())) {
                throw e; // a refusal, already recorded
            }
            if (readOnly) {
                return new Begun(Optional.empty(), buffered);
            }
            throw log.refuse(started, CallStatus.FAILED, e);
        }
    }

    /**
     * Parses and validates the arguments; every refusal is recorded before it is thrown. A tool
     * that no policy rule could let this agent call is refused before its schema is checked, so
     * that validation errors never describe a tool the agent may not use.
     */
    private JsonNode parseAndValidate(Principal principal, ToolDefinition tool, ExecuteCommand command,
            Instant startedAt, CallRecord.Builder record) {
        JsonNode arguments;
        try {
            arguments = parser.parse(command.argumentsJson());
        } catch (GatewayException e) {
            throw log.refuse(record.build(), statusOf(e), e);
        }
        if (!visibility.visible(principal, tool)) {
            Decision decision = policy.decide(policyRequest(principal, tool, arguments, command, startedAt));
            record.policy(mark(decision));
            enforce(decision, tool, record, record.build().callId());
        }
        List<FieldViolation> violations = tool.schema().validateTakingNullAsAbsent(arguments);
        if (!violations.isEmpty()) {
            throw log.refuse(record.build(), CallStatus.INVALID_ARGUMENTS, GatewayException.invalidArgument(
                    "arguments do not match the input schema of " + tool.qualifiedName() + ": "
                            + Identifiers.summary(violations), violations));
        }
        return arguments;
    }

    /** Refuses (and records) a call the policy denies or rate-limits; a confirm decision passes (it is held). */
    /**
     * A tool this agent is not shown (a policy reload since it listed its tools, or a name it
     * guessed): refused as the policy's deny, with a text that tells the model to list tools again.
     */
    private GatewayException notAvailable(Decision decision, ToolDefinition tool, CallRecord.Builder record,
            String callId, Span span, Labels labels) {
        record.policy(mark(decision));
        span.setAttribute(CallSpans.DECISION, decision.verdict().label());
        labels.decision = decision.verdict().label();
        span.setAttribute(CallSpans.RULE, decision.ruleId());
        span.setAttribute(CallSpans.POLICY_VERSION, decision.version());
        return log.refuse(record.build(), CallStatus.DENIED, GatewayException.permissionDenied("TOOL_NOT_AVAILABLE",
                OutcomeText.notAvailable(tool.qualifiedName(), decision.reason()),
                Map.of("call_id", callId, "tool", tool.qualifiedName(), "rule_id", decision.ruleId(),
                        "policy_version", decision.version())));
    }

    private void enforce(Decision decision, ToolDefinition tool, CallRecord.Builder record, String callId) {
        Map<String, String> meta = Map.of("call_id", callId, "tool", tool.qualifiedName(),
                "rule_id", decision.ruleId(), "policy_version", decision.version());
        switch (decision.verdict()) {
            case DENY -> throw log.refuse(record.build(), CallStatus.DENIED,
                    GatewayException.permissionDenied("POLICY_DENIED", decision.reason(), meta));
            case RATE_LIMITED -> throw log.refuse(record.build(), CallStatus.RATE_LIMITED,
                    GatewayException.resourceExhausted("RATE_LIMITED", decision.reason(), meta,
                            decision.retryAfter().orElse(Duration.ofSeconds(1))));
            case CONFIRM, ALLOW -> {
                // allowed, or held for a human after the request is prepared
            }
        }
    }

    private PolicyRequest policyRequest(Principal principal, ToolDefinition tool, JsonNode arguments,
            ExecuteCommand command, Instant at) {
        ToolAnnotations a = tool.annotations();
        String session = validCallId(command.sessionId()) ? command.sessionId() : "";
        return PolicyRequest.builder()
                .tenant(principal.tenantId()).agent(principal.agentId()).scopes(principal.scopes())
                .labels(principal.labels())
                .tool(tool.integration().name(), tool.name())
                .traits(new ToolTraits(a.readOnly(), a.destructive(), a.idempotent(), a.openWorld(),
                        a.requiresConfirmation()))
                .arguments(arguments)
                .session(session)
                .history(() -> sessions.history(principal.tenantId(), session, command.callId())) // only if read
                .time(at)
                .build();
    }

    private static CallRecord.PolicyMark mark(Decision d) {
        return new CallRecord.PolicyMark(d.verdict().label(), d.ruleId(), d.version());
    }

    /** Renders the request; every failure is recorded before it is thrown. */
    private PreparedCall prepare(ToolDefinition tool, JsonNode arguments, CallRecord.Builder record) {
        try {
            return executor.prepare(tool, arguments, record.build().callId());
        } catch (GatewayException e) {
            throw log.refuse(record.build(), statusOf(e), e);
        } catch (UpstreamFailure f) {
            // e.g. the OAuth token endpoint failed: nothing was sent to the tool's upstream
            CallRecord call = record.build();
            throw log.refuse(call, CallStatus.UPSTREAM_UNAVAILABLE, GatewayException.unavailable(
                    "UPSTREAM_UNAVAILABLE", f.getMessage(), Map.of("call_id", call.callId(),
                            "tool", tool.qualifiedName())));
        } catch (RuntimeException e) {
            CallRecord call = record.build();
            if (StorageFailures.isStorageFailure(e)) {
                LOG.error("call {} not executed: storage failed while preparing it", call.callId(), e);
                throw log.refuse(call, CallStatus.FAILED, GatewayException.unavailable("STORAGE_UNAVAILABLE",
                        "the gateway's storage is unavailable; nothing was executed, retry later",
                        Map.of("call_id", call.callId())));
            }
            log.refuse(call, CallStatus.FAILED, GatewayException.internal(
                    "internal error while preparing the call: " + e.getClass().getSimpleName(), e));
            throw e;
        }
    }

    private Duration remaining(ToolDefinition tool, long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            return tool.timeout();
        }
        // answer a little before the caller's deadline, so it gets our answer rather than its own timeout
        Duration left = Duration.ofNanos(deadlineNanos - System.nanoTime()).minus(guards.config().deadlineMargin());
        return left.compareTo(tool.timeout()) < 0 ? left : tool.timeout();
    }

    private static GatewayException tooLate(String callId) {
        return GatewayException.deadlineExceeded("DEADLINE_TOO_SHORT",
                "the client's deadline passed before the upstream could be called; nothing was executed",
                Map.of("call_id", callId));
    }

    private static List<FieldViolation> checkShape(ExecuteCommand command) {
        List<FieldViolation> problems = new ArrayList<>();
        if (!command.callId().isEmpty() && !validCallId(command.callId())) {
            problems.add(new FieldViolation("call_id", "call_id must be 1-128 chars of letters, digits and . _ : -"));
        }
        if (!command.sessionId().isEmpty() && !validCallId(command.sessionId())) {
            problems.add(new FieldViolation("session_id", "session_id must be 1-128 chars of letters, digits and . _ : -"));
        }
        if (command.tool().isEmpty()) {
            problems.add(new FieldViolation("tool",
                    "tool is required: a qualified name such as support_desk.create_support_case (see ListTools)"));
        } else if (command.tool().length() > MAX_TOOL_NAME) {
            problems.add(new FieldViolation("tool", "tool name is longer than " + MAX_TOOL_NAME + " chars"));
        } else if (command.tool().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(new FieldViolation("tool", "tool name must not contain control characters"));
        }
        return problems;
    }

    private static boolean validCallId(String id) {
        return Identifiers.CALL_ID.matcher(id).matches();
    }

    private static CallStatus statusOf(GatewayException e) {
        if (e.code() == ErrorCode.INVALID_ARGUMENT) {
            return CallStatus.INVALID_ARGUMENTS;
        }
        if (e.code() == ErrorCode.PERMISSION_DENIED) {
            return CallStatus.DENIED;
        }
        return CallStatus.FAILED;
    }
}
