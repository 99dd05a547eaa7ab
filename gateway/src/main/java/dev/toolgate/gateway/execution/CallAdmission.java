package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.StorageFailures;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.EndUser;
import dev.toolgate.gateway.identity.EndUsers;
import dev.toolgate.gateway.identity.UserProof;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.connections.TokenExchanges;
import dev.toolgate.gateway.policy.ToolVisibility;
import dev.toolgate.gateway.telemetry.CallSpans;
import dev.toolgate.gateway.skills.SkillChoice;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.policy.Decision;
import dev.toolgate.policy.Verdict;
import io.opentelemetry.api.trace.Span;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of one ExecuteTool call, in this order: request shape, {@code tools:call} scope, the
 * named skill (assigned to the key?), tool lookup (among the tools of the key's skills), the
 * skill the call runs under ({@link SkillChoice}), argument parsing, visibility (a tool no rule lets the agent call is refused by the
 * policy before its schema is checked), schema validation, policy decision (deny, rate limit,
 * confirm), request preparation, room in the audit writer, and — for a call that is not held —
 * time left before the client's deadline. Each refusal is thrown as a {@link CallRefused} with
 * its {@link Refusal} and the call as known at that stage; admission writes no row: the caller
 * records every refusal in one place. Thread-safe.
 */
@Singleton
class CallAdmission {
    private static final Logger LOG = LoggerFactory.getLogger(CallAdmission.class);

    private final Catalog catalog;
    private final ArgumentParser parser;
    private final ToolVisibility visibility;
    private final PolicyCheck policy;
    private final UpstreamDispatch dispatch;
    private final CallLog log;
    private final CallSpans spans;
    private final EndUsers users;
    private final TokenExchanges exchanges;
    private final Clock clock;

    CallAdmission(Catalog catalog, ArgumentParser parser, ToolVisibility visibility, PolicyCheck policy,
            UpstreamDispatch dispatch, CallLog log, CallSpans spans, EndUsers users, TokenExchanges exchanges,
            Clock clock) {
        this.exchanges = requireNonNull(exchanges, "exchanges");
        this.users = requireNonNull(users, "users");
        this.catalog = requireNonNull(catalog, "catalog");
        this.parser = requireNonNull(parser, "parser");
        this.visibility = requireNonNull(visibility, "visibility");
        this.policy = requireNonNull(policy, "policy");
        this.dispatch = requireNonNull(dispatch, "dispatch");
        this.log = requireNonNull(log, "log");
        this.spans = requireNonNull(spans, "spans");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * An admitted call.
     *
     * @param call    its record, ready to start
     * @param confirm present when a human must confirm it before it runs
     * @param user    the end user the call is made for ({@link EndUser#NONE} when it names none)
     */
    record Admitted(CallRecord call, ToolDefinition tool, JsonNode arguments, PreparedCall prepared,
            Optional<Confirm> confirm, EndUser user) {
    }


    /** Why a call is held: a policy rule's confirm decision, or the tool's own requirement (no rule). */
    record Confirm(String ruleId, String reason, boolean selfConfirm) {
    }

    /**
     * Runs the admission stages; tags {@code span} and {@code labels} with what each stage learns.
     *
     * @throws CallRefused at the first stage that refuses the call (not recorded yet)
     */
    Admitted admit(Principal principal, ExecuteCommand command, CallDeadline deadline, Span span, CallLabels labels) {
        Instant startedAt = clock.instant().truncatedTo(ChronoUnit.MICROS); // as stored: a replay answers the same
        List<FieldViolation> shape = RequestShape.check(command);
        String callId = command.callId().isEmpty() || !shape.isEmpty() && !Identifiers.isCallId(command.callId())
                ? Identifiers.newTimeOrderedId("call", startedAt) : command.callId();
        span.setAttribute(CallSpans.TOOL_CALL_ID, callId);
        CallRecord.Builder record = CallRecord.builder()
                .tenantId(principal.tenantId()).callId(callId)
                .traceId(span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : "")
                .agentId(principal.agentId()).keyId(principal.keyId())
                .sessionId(RequestShape.session(command))
                .toolName(Identifiers.abbreviate(command.tool()))
                .arguments(command.argumentsJson())
                .startedAt(startedAt);
        if (!shape.isEmpty()) {
            throw CallRefused.of(Refusal.MALFORMED_REQUEST, record.build(),
                    GatewayException.invalidArgument(Identifiers.summary(shape), shape));
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw CallRefused.of(Refusal.MISSING_SCOPE, record.build(), GatewayException.permissionDenied(
                    "MISSING_SCOPE", "this API key lacks the 'tools:call' scope"));
        }
        try { // before the lookup: the answer does not depend on whether the tool exists
            SkillChoice.checkRequested(principal.skills(), command.skill());
        } catch (GatewayException e) {
            throw CallRefused.of(Refusal.SKILL_NOT_ASSIGNED, record.build(), e);
        }
        EndUser user = endUser(principal, command, record, span);
        // a tool outside the key's skills gets the very answer of a tool that does not exist
        ToolDefinition tool = catalog.find(principal.tenantId(), command.tool())
                .filter(t -> principal.skills().includes(t)).orElseThrow(() -> CallRefused.of(
                Refusal.TOOL_NOT_FOUND, record.build(), heldOrMissing(principal, command.tool())));
        record.toolName(tool.qualifiedName()).toolVersion(tool.version());
        CallSpans.tool(span, tool);
        labels.tool(tool.qualifiedName());
        CredentialScope credentials;
        try {
            credentials = SkillChoice.choose(principal.skills(), command.skill(), tool);
        } catch (GatewayException e) {
            throw CallRefused.of(Refusal.SKILL_NOT_CHOSEN, record.build(), e);
        }
        record.skill(credentials.skill());
        if (!credentials.tenantWide()) {
            span.setAttribute(CallSpans.SKILL, credentials.skill());
        }
        Optional<Decision> hidden = visibility.hiding(principal, tool);
        if (hidden.isPresent()) { // before validation: a hidden tool's schema is not described to this agent
            Decision decision = hidden.get();
            record.policy(PolicyCheck.mark(decision));
            span.setAttribute(CallSpans.DECISION, decision.verdict().label());
            labels.decision(decision.verdict().label());
            span.setAttribute(CallSpans.RULE, decision.ruleId());
            span.setAttribute(CallSpans.POLICY_VERSION, decision.version());
            throw CallRefused.of(Refusal.TOOL_NOT_AVAILABLE, record.build(), GatewayException.permissionDenied(
                    "TOOL_NOT_AVAILABLE", OutcomeText.notAvailable(tool.qualifiedName(), decision.reason()),
                    Map.of("call_id", callId, "tool", tool.qualifiedName(), "rule_id", decision.ruleId(),
                            "policy_version", decision.version())));
        }

        JsonNode arguments = spans.stage("validate", () -> parseAndValidate(principal, user, tool, command,
                credentials.skill(), startedAt, record), CallAdmission::reported);
        record.argumentsDigest(Digests.canonicalJsonSha256(arguments)); // a repeated call id must name the same call
        spans.content(span, CallSpans.ARGUMENTS, tool.qualifiedName(), command.argumentsJson());
        Decision decision = spans.stage("policy", () -> policy.decide(principal, user, tool, arguments, command,
                credentials.skill(), startedAt));
        record.policy(PolicyCheck.mark(decision));
        span.setAttribute(CallSpans.DECISION, decision.verdict().label());
        labels.decision(decision.verdict().label());
        span.setAttribute(CallSpans.RULE, decision.ruleId());
        span.setAttribute(CallSpans.POLICY_VERSION, decision.version());
        PolicyCheck.enforce(decision, tool, record.build());

        // refuses what could not be sent, held or not; only the credentials of the call's skill and user
        PreparedCall prepared = prepare(tool, arguments, credentials, record.build(), user, command.user(),
                deadline);
        if (!log.awaitRoom(deadline.remaining(tool.timeout()))) { // a writer that is behind slows calls down
            throw CallRefused.of(Refusal.AUDIT_BACKLOG_FULL, record.build(), GatewayException.unavailable(
                    "AUDIT_BACKLOG_FULL", log.storeAvailable()
                            ? "the gateway cannot record calls fast enough right now (its audit buffer stayed full"
                                    + " for the call's whole time); nothing was executed, retry later"
                            : "the gateway cannot record calls right now (its audit buffer is full while the"
                                    + " database is unreachable); nothing was executed, retry later",
                    Map.of("call_id", callId)));
        }
        Optional<Confirm> confirm = confirmation(decision, tool);
        if (confirm.isEmpty() && CallDeadline.tooShort(deadline.remaining(tool.timeout()))) {
            throw CallRefused.of(Refusal.DEADLINE_TOO_SHORT, record.build(), tooLate(callId));
        }
        return new Admitted(record.build(), tool, arguments, prepared, confirm, user);
    }

    /** The end user the call names, proven or asserted as the tenant allows; recorded on the row and span. */
    /**
     * TOOL_DEFINITION_HELD for a tool the key may see whose changed definition waits for an admin
     * (pinning mode DISABLE); otherwise TOOL_NOT_FOUND with the closest names.
     */
    private GatewayException heldOrMissing(Principal principal, String name) {
        return catalog.held(principal.tenantId(), name).filter(t -> principal.skills().includes(t))
                .map(t -> GatewayException.failedPrecondition("TOOL_DEFINITION_HELD", "tool '" + t.qualifiedName()
                        + "' is out of service: its upstream changed its definition and an admin has not reviewed"
                        + " the change yet (ListToolChanges / toolgate tools changes)"))
                .orElseGet(() -> GatewayException.notFound("TOOL_NOT_FOUND", "tool '"
                        + Identifiers.abbreviate(name) + "' does not exist", visibility.closest(principal, name)));
    }

        private EndUser endUser(Principal principal, ExecuteCommand command, CallRecord.Builder record, Span span) {
        EndUser user;
        try {
            user = users.resolve(principal, command.user());
        } catch (GatewayException e) {
            throw CallRefused.of(Refusal.USER_NOT_ACCEPTED, record.build(), e);
        }
        if (user.present()) {
            record.userId(user.id());
            span.setAttribute(CallSpans.USER, user.id());
        }
        return user;
    }

    /** The error for a call whose client deadline passed before its upstream could be called. */
    static GatewayException tooLate(String callId) {
        return GatewayException.deadlineExceeded("DEADLINE_TOO_SHORT",
                "the client's deadline passed before the upstream could be called; nothing was executed",
                Map.of("call_id", callId));
    }

    private static RuntimeException reported(RuntimeException e) {
        return e instanceof CallRefused r ? r.thrown() : e;
    }

    private static Optional<Confirm> confirmation(Decision decision, ToolDefinition tool) {
        if (decision.verdict() == Verdict.CONFIRM) {
            return Optional.of(new Confirm(decision.ruleId(), decision.reason(), decision.selfConfirm()));
        }
        if (tool.annotations().requiresConfirmation()) {
            return Optional.of(new Confirm("", "tool '" + tool.qualifiedName() + "' requires a human to confirm each"
                    + " call", false));
        }
        return Optional.empty();
    }

    /**
     * Parses and validates the arguments. A tool that no policy rule could let this agent call is
     * refused before its schema is checked, so that validation errors never describe a tool the
     * agent may not use.
     */
    private JsonNode parseAndValidate(Principal principal, EndUser user, ToolDefinition tool, ExecuteCommand command,
            String skill, Instant startedAt, CallRecord.Builder record) {
        JsonNode arguments;
        try {
            arguments = parser.parse(command.argumentsJson());
        } catch (GatewayException e) {
            throw CallRefused.of(Refusal.UNREADABLE_ARGUMENTS, record.build(), e);
        }
        if (!visibility.visible(principal, tool)) {
            Decision decision = policy.decide(principal, user, tool, arguments, command, skill, startedAt);
            record.policy(PolicyCheck.mark(decision));
            PolicyCheck.enforce(decision, tool, record.build());
        }
        List<FieldViolation> violations = tool.schema().validateTakingNullAsAbsent(arguments);
        if (!violations.isEmpty()) {
            throw CallRefused.of(Refusal.SCHEMA_VIOLATION, record.build(), GatewayException.invalidArgument(
                    "arguments do not match the input schema of " + tool.qualifiedName() + ": "
                            + Identifiers.summary(violations), violations));
        }
        return arguments;
    }

    /** Renders the request with the executor of the tool's kind. */
    private PreparedCall prepare(ToolDefinition tool, JsonNode arguments, CredentialScope credentials,
            CallRecord call, EndUser user, UserProof proof, CallDeadline deadline) {
        try {
            if (tool.integration().auth().kind() == HttpAuth.Kind.TOKEN_EXCHANGE) {
                // only the token that proved this call's user is exchanged, and only for that user
                exchanges.prepare(tool.tenantId(), tool.integration().name(), user.id(),
                        proof.kind() == UserProof.Kind.TOKEN && user.proven() ? Optional.of(proof.value())
                                : Optional.empty(), deadline.remaining(tool.timeout()));
            }
            return dispatch.prepare(tool, arguments, call.callId(), credentials, user.id());
        } catch (GatewayException e) {
            throw CallRefused.of(Refusal.NOT_PREPARABLE, call, e);
        } catch (UpstreamFailure f) {
            // e.g. the OAuth token endpoint failed: nothing was sent to the tool's upstream
            throw CallRefused.of(Refusal.PREPARE_UPSTREAM_UNAVAILABLE, call, GatewayException.unavailable(
                    "UPSTREAM_UNAVAILABLE", f.getMessage(), Map.of("call_id", call.callId(),
                            "tool", tool.qualifiedName())));
        } catch (RuntimeException e) {
            if (StorageFailures.isStorageFailure(e)) {
                LOG.error("call {} not executed: storage failed while preparing it", call.callId(), e);
                throw CallRefused.of(Refusal.STORAGE_UNAVAILABLE, call, GatewayException.unavailable(
                        "STORAGE_UNAVAILABLE", "the gateway's storage is unavailable; nothing was executed, retry"
                                + " later", Map.of("call_id", call.callId())));
            }
            throw CallRefused.fault(Refusal.PREPARE_FAULT, call, GatewayException.internal(
                    "internal error while preparing the call: " + e.getClass().getSimpleName(), e), e);
        }
    }
}
