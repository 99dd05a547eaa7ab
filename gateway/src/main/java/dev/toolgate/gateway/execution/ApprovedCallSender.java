package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.skills.Skill;
import dev.toolgate.gateway.skills.SkillStore;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.StoredCall;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends an approved held call, once, through {@link UpstreamDispatch}: at the approved tool version
 * only, with the credentials of the skill it was held under and for the end user it was made for; a refusal by the integration (circuit open, bulkhead full) or a deadline too short leaves
 * it approved and held, so confirming again sends it. Thread-safe.
 */
@Singleton
class ApprovedCallSender {
    private final Catalog catalog;
    private final ArgumentParser parser;
    private final CallLog log;
    private final UpstreamDispatch dispatch;
    private final HeldCallRecords records;
    private final SkillStore skills;

    ApprovedCallSender(Catalog catalog, ArgumentParser parser, CallLog log, UpstreamDispatch dispatch,
            HeldCallRecords records, SkillStore skills) {
        this.skills = requireNonNull(skills, "skills");
        this.catalog = requireNonNull(catalog, "catalog");
        this.parser = requireNonNull(parser, "parser");
        this.log = requireNonNull(log, "log");
        this.dispatch = requireNonNull(dispatch, "dispatch");
        this.records = requireNonNull(records, "records");
    }

    /** Sends {@code c}'s call; its full arguments are masked once the call is no longer held. */
    HeldCalls.CallView execute(Confirmation c, CallDeadline deadline) {
        try {
            return send(c, deadline);
        } finally {
            records.maskOnceClosed(c); // sent, failed or closed: the full arguments are no longer needed
        }
    }

    private HeldCalls.CallView send(Confirmation c, CallDeadline deadline) {
        CallRecord started = records.record(c);
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
            // the user the call was held for: their connection, never the approver's (who names no user)
            prepared = dispatch.prepare(tool, parser.parse(c.arguments()), c.callId(), credentials(c), c.userId());
        } catch (GatewayException | UpstreamFailure e) {
            if (log.resume(c.tenantId(), c.callId())) {
                log.finish(started, CallRecord.Outcome.failed(CallStatus.FAILED, e.getMessage()));
            }
            if (e instanceof GatewayException g && ConnectedAccounts.CONNECTION_REQUIRED.equals(g.reason())) {
                throw notConnected(c, g); // the user's connect link is for the user, never the approver
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
        return records.view(c);
    }

    /**
     * The credentials of the skill the call was held under (as attached now: a rotated secret is
     * used), never another skill's nor the tenant's for a call held under a skill.
     */
    private CredentialScope credentials(Confirmation c) {
        if (c.skill().isEmpty()) {
            return CredentialScope.TENANT;
        }
        return skills.find(c.tenantId(), c.skill()).map(Skill::credentials).orElseThrow(() ->
                GatewayException.failedPrecondition("SKILL_NOT_FOUND", "skill '" + c.skill() + "', under which the call"
                        + " was held, was deleted; the call was not executed", Map.of("call_id", c.callId())));
    }

    private static GatewayException notConnected(Confirmation c, GatewayException e) {
        String integration = e.metadata().getOrDefault("integration", "");
        return GatewayException.failedPrecondition(ConnectedAccounts.CONNECTION_REQUIRED, "call_id '" + c.callId()
                + "' was made for user '" + c.userId() + "', whose account of integration '" + integration
                + "' is no longer connected; it was not executed — the agent asks the user to connect again when it"
                + " calls next", Map.of("call_id", c.callId(), "integration", integration));
    }

    private static GatewayException approvalTooLate(Confirmation c) {
        return GatewayException.deadlineExceeded("DEADLINE_TOO_SHORT", "the approval's deadline leaves no time to run"
                + " the call; it stays approved and is sent when you confirm again", Map.of("call_id", c.callId()));
    }
}
