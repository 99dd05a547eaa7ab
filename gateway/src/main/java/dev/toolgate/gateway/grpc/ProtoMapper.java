package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.validation.FormatChecks;

import dev.toolgate.gateway.mcp.McpIntegrations;
import dev.toolgate.proto.v1.McpSyncReport;

import dev.toolgate.gateway.openapi.ImportReport;
import dev.toolgate.gateway.openapi.ImportWarning;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicySet;
import dev.toolgate.policy.Problem;
import dev.toolgate.proto.v1.PolicyRejection;
import dev.toolgate.proto.v1.PolicyStatus;
import dev.toolgate.proto.v1.CredentialRequirement;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import com.google.protobuf.Duration;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.gateway.execution.HeldCalls;
import dev.toolgate.gateway.session.Sessions;
import dev.toolgate.observability.StoredCall;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.gateway.sql.SqlIntegrations;
import dev.toolgate.proto.v1.PutSqlIntegrationResponse;
import dev.toolgate.proto.v1.SqlToolSummary;
import com.google.protobuf.Timestamp;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.Integration;
import dev.toolgate.proto.v1.Tool;
import java.time.Instant;

/** Converts between domain types and the {@code toolgate.v1} messages. Stateless. */
final class ProtoMapper {
    private ProtoMapper() {
    }

    static Tool tool(ToolDefinition t) {
        return Tool.newBuilder()
                .setName(t.qualifiedName())
                .setIntegration(t.integration().name())
                .setDescription(t.description())
                .setInputSchemaJson(t.inputSchemaJson())
                .setAnnotations(annotations(t.annotations()))
                .setVersion(t.version())
                .setTimeout(duration(t.timeout()))
                .setExportedName(t.exportName())
                .setOutputSchemaJson(t.outputSchemaJson())
                .addAllTags(t.tags().values())
                .setFormatChecks(formatChecks(t.schema().formatChecks()))
                .build();
    }

    static dev.toolgate.proto.v1.FormatChecks formatChecks(FormatChecks f) {
        return switch (f) {
            case ASSERT -> dev.toolgate.proto.v1.FormatChecks.FORMAT_CHECKS_ASSERT;
            case ANNOTATE -> dev.toolgate.proto.v1.FormatChecks.FORMAT_CHECKS_ANNOTATE;
        };
    }

    /**
     * The choice a request makes; empty when unset.
     *
     * @throws dev.toolgate.gateway.error.GatewayException INVALID_ARGUMENT for a value this gateway does not know
     */
    static java.util.Optional<FormatChecks> formatChecks(String field, dev.toolgate.proto.v1.FormatChecks f) {
        return switch (f) {
            case FORMAT_CHECKS_UNSPECIFIED -> java.util.Optional.empty();
            case FORMAT_CHECKS_ASSERT -> java.util.Optional.of(FormatChecks.ASSERT);
            case FORMAT_CHECKS_ANNOTATE -> java.util.Optional.of(FormatChecks.ANNOTATE);
            case UNRECOGNIZED -> throw dev.toolgate.gateway.error.GatewayException.invalidArgument(field, field
                    + " must be FORMAT_CHECKS_ASSERT or FORMAT_CHECKS_ANNOTATE");
        };
    }

    static dev.toolgate.proto.v1.ToolAnnotations annotations(ToolAnnotations a) {
        return dev.toolgate.proto.v1.ToolAnnotations.newBuilder()
                .setReadOnly(a.readOnly()).setDestructive(a.destructive())
                .setIdempotent(a.idempotent()).setOpenWorld(a.openWorld())
                .setRequiresConfirmation(a.requiresConfirmation()).build();
    }

    static ToolAnnotations annotations(dev.toolgate.proto.v1.ToolAnnotations a) {
        return new ToolAnnotations(a.getReadOnly(), a.getDestructive(), a.getIdempotent(), a.getOpenWorld(),
                a.getRequiresConfirmation());
    }

    /** The answer to an executed call, still open for its card (one message built, not a copy with the card). */
    static ExecuteToolResponse.Builder response(CallResult r) {
        ExecuteToolResponse.Builder b = ExecuteToolResponse.newBuilder()
                .setCallId(r.callId())
                .setStatus(status(r.status()))
                .setResultJson(r.resultJson())
                .setIsError(r.isError())
                .setUpstreamStatus(r.upstreamStatus())
                .setDuration(duration(r.duration()))
                .setToolVersion(r.toolVersion())
                .setResultTruncated(r.truncated())
                .setStartedAt(timestamp(r.startedAt()))
                .setReplayed(r.replayed())
                .setOutputWarning(r.outputWarning());
        r.confirmation().ifPresent(c -> b.setConfirmation(confirmation(c)));
        return b;
    }

    /** A refusal as an OK response that the model can read (ExecuteToolRequest.refusals_as_results). */
    static ExecuteToolResponse refusal(String callId, dev.toolgate.gateway.error.GatewayException e) {
        return ExecuteToolResponse.newBuilder()
                .setCallId(callId)
                .setStatus(refusalStatus(e.code()))
                .setResultJson(dev.toolgate.gateway.execution.OutcomeText.refusalJson(e))
                .setIsError(true)
                .build();
    }

    private static dev.toolgate.proto.v1.CallStatus refusalStatus(dev.toolgate.gateway.error.ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_INVALID_ARGUMENTS;
            case NOT_FOUND -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_TOOL_NOT_FOUND;
            case PERMISSION_DENIED, UNAUTHENTICATED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_DENIED;
            case ALREADY_EXISTS -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_DUPLICATE_CALL_ID;
            case RESOURCE_EXHAUSTED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_RATE_LIMITED;
            case DEADLINE_EXCEEDED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_TIMEOUT;
            case UNAVAILABLE -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_UPSTREAM_UNAVAILABLE;
            case FAILED_PRECONDITION, ABORTED, INTERNAL -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_FAILED;
        };
    }

    static dev.toolgate.proto.v1.CallStatus status(CallStatus s) {
        return switch (s) {
            case RUNNING -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_RUNNING;
            case SUCCEEDED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_SUCCEEDED;
            case UPSTREAM_ERROR -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_UPSTREAM_ERROR;
            case INVALID_ARGUMENTS -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_INVALID_ARGUMENTS;
            case TOOL_NOT_FOUND -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_TOOL_NOT_FOUND;
            case DENIED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_DENIED;
            case DUPLICATE_CALL_ID -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_DUPLICATE_CALL_ID;
            case RATE_LIMITED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_RATE_LIMITED;
            case TIMEOUT -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_TIMEOUT;
            case UPSTREAM_UNAVAILABLE -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_UPSTREAM_UNAVAILABLE;
            case FAILED -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_FAILED;
            case PENDING_CONFIRMATION -> dev.toolgate.proto.v1.CallStatus.CALL_STATUS_PENDING_CONFIRMATION;
        };
    }

    static Integration integration(IntegrationEntity e) {
        Integration.Builder b = Integration.newBuilder()
                .setTenant(e.tenantId()).setName(e.name()).setKind(e.kind().text())
                .setBaseUrl(e.baseUrl()).setDescription(e.description());
        HttpAuth auth = e.auth();
        if (auth.kind() == HttpAuth.Kind.BEARER) {
            b.setAuth(dev.toolgate.proto.v1.HttpAuth.newBuilder()
                    .setBearer(BearerAuth.newBuilder().setSecret(auth.secret())));
        } else if (auth.kind() == HttpAuth.Kind.USER_CONNECTION) {
            b.setAuth(dev.toolgate.proto.v1.HttpAuth.newBuilder()
                    .setUserConnection(dev.toolgate.proto.v1.UserConnectionAuth.getDefaultInstance()));
        } else if (auth.kind() == HttpAuth.Kind.TOKEN_EXCHANGE) {
            b.setAuth(dev.toolgate.proto.v1.HttpAuth.newBuilder()
                    .setTokenExchange(dev.toolgate.proto.v1.TokenExchangeAuth.getDefaultInstance()));
        }
        return b.build();
    }

    static Duration duration(java.time.Duration d) {
        return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    static java.time.Duration duration(Duration d) {
        return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static Timestamp timestamp(Instant i) {
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    static ImportOpenApiResponse importReport(ImportReport r) {
        ImportOpenApiResponse.Builder b = ImportOpenApiResponse.newBuilder()
                .setIntegration(r.integration()).setBaseUrl(r.baseUrl()).setSourceVersion(r.sourceVersion())
                .addAllAdded(r.added()).addAllChanged(r.changed()).addAllUnchanged(r.unchanged())
                .addAllRemoved(r.removed()).setExcluded(r.excluded()).addAllHeld(r.held());
        for (ImportWarning w : r.warnings()) {
            b.addWarnings(dev.toolgate.proto.v1.ImportWarning.newBuilder().setOperation(w.operation())
                    .setMessage(w.message()).setSkipped(w.skipped()));
        }
        for (ImportReport.Credential c : r.credentials()) {
            b.addCredentials(CredentialRequirement.newBuilder().setScheme(c.scheme()).setType(c.type())
                    .setSecret(c.secret()).setPresent(c.present()).setNote(c.note()));
        }
        return b.build();
    }

    static PolicyStatus policyStatus(PolicyEngine.Status s) {
        PolicyStatus.Builder out = PolicyStatus.newBuilder()
                .setDirectory(s.directory().map(Object::toString).orElse(""))
                .setDirectoryExists(s.directoryExists())
                .setGitCommit(s.gitCommit().orElse(""))
                .setLastReload(timestamp(s.lastReload()))
                .setTenants(s.tenants())
                .setReloadsTotal(s.reloadsTotal())
                .setRejectionsTotal(s.rejectionsTotal());
        for (PolicySet.Rejection r : s.rejected()) {
            out.addRejected(PolicyRejection.newBuilder().setUnit(r.unit())
                    .addAllProblems(r.problems().stream().map(Problem::toString).toList()));
        }
        s.warnings().forEach(w -> out.addWarnings(w.toString()));
        return out.build();
    }

    static PutSqlIntegrationResponse sqlReport(String integration, SqlIntegrations.Report r) {
        PutSqlIntegrationResponse.Builder b = PutSqlIntegrationResponse.newBuilder().setIntegration(integration)
                .addAllAdded(r.change().added()).addAllChanged(r.change().changed())
                .addAllUnchanged(r.change().unchanged()).addAllRemoved(r.change().removed());
        for (SqlIntegrations.Summary t : r.tools()) {
            b.addTools(SqlToolSummary.newBuilder().setName(t.name()).addAllParameters(t.parameters())
                    .setReadOnly(t.readOnly()).addAllColumns(t.columns()));
        }
        return b.build();
    }

    static McpSyncReport mcpReport(McpIntegrations.SyncReport r) {
        return McpSyncReport.newBuilder().setIntegration(r.integration())
                .addAllAdded(r.change().added()).addAllChanged(r.change().changed())
                .addAllUnchanged(r.change().unchanged()).addAllRemoved(r.change().removed())
                .putAllRejected(r.change().rejected()).addAllHeld(r.change().held())
                .setServerName(nullToEmpty(r.serverName()))
                .setServerVersion(nullToEmpty(r.serverVersion())).build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static dev.toolgate.proto.v1.Confirmation confirmation(Confirmation c) {
        dev.toolgate.proto.v1.Confirmation.Builder b = dev.toolgate.proto.v1.Confirmation.newBuilder()
                .setConfirmationId(c.id()).setState(c.state().name()).setSummary(c.summary())
                .setExpiresAt(timestamp(c.expiresAt())).setRuleId(c.ruleId()).setDecidedBy(c.decidedBy())
                .setReason(c.reason()).setUserId(c.userId());
        c.decidedAt().ifPresent(at -> b.setDecidedAt(timestamp(at)));
        return b.build();
    }

    static ToolCall toolCall(HeldCalls.CallView v, dev.toolgate.gateway.cards.ToolCards.Card card) {
        ToolCall.Builder b = toolCall(v.call()).setCard(card(card));
        v.confirmation().ifPresent(c -> b.setConfirmation(confirmation(c)));
        return b.build();
    }

    /** A session with the card of each call ({@code cards} in the order of {@code v.rows()}). */
    static dev.toolgate.proto.v1.Session session(Sessions.View v,
            java.util.List<dev.toolgate.gateway.cards.ToolCards.Card> cards) {
        dev.toolgate.proto.v1.Session.Builder b = dev.toolgate.proto.v1.Session.newBuilder()
                .setSessionId(v.sessionId()).setTruncated(v.truncated());
        for (int i = 0; i < v.rows().size(); i++) {
            b.addCalls(sessionCall(v, v.rows().get(i).call(), cards.get(i)));
        }
        v.compensations().forEach(c -> b.addCompensations(dev.toolgate.proto.v1.CompensationCommand.newBuilder()
                .setAgentId(c.agentId()).setReason(c.reason()).setRequestedAt(timestamp(c.requestedAt()))));
        return b.build();
    }

    /** A WatchSession update. */
    static dev.toolgate.proto.v1.SessionEvent sessionEvent(dev.toolgate.gateway.session.SessionWatches.Update u) {
        return switch (u) {
            case dev.toolgate.gateway.session.SessionWatches.CaughtUp ignored ->
                    dev.toolgate.proto.v1.SessionEvent.newBuilder().setCaughtUp(true).build();
            case dev.toolgate.gateway.session.SessionWatches.CallChanged c -> {
                ToolCall.Builder b = toolCall(c.call()).setCompensatedBy(c.compensatedBy())
                        .setCompensates(c.compensates()).setCard(card(c.card()));
                c.confirmation().ifPresent(k -> b.setConfirmation(confirmation(k)));
                yield dev.toolgate.proto.v1.SessionEvent.newBuilder().setCall(b).build();
            }
        };
    }

    /** One call of a session view, with its compensation links and card. */
    static ToolCall.Builder sessionCall(Sessions.View v, StoredCall c, dev.toolgate.gateway.cards.ToolCards.Card card) {
        return toolCall(c).setCompensatedBy(v.compensatedBy().getOrDefault(c.callId(), ""))
                .setCompensates(v.compensates().getOrDefault(c.callId(), "")).setCard(card(card));
    }

    /** What an ExecuteTool request carries about its end user. */
    static dev.toolgate.gateway.identity.UserProof userProof(dev.toolgate.proto.v1.ExecuteToolRequest request) {
        return userProof(request.getUser());
    }

    /** What a request's EndUser carries. */
    static dev.toolgate.gateway.identity.UserProof userProof(dev.toolgate.proto.v1.EndUser user) {
        return switch (user.getProofCase()) {
            case TOKEN -> dev.toolgate.gateway.identity.UserProof.token(user.getToken());
            case USER_ID -> dev.toolgate.gateway.identity.UserProof.assertedId(user.getUserId());
            case PROOF_NOT_SET -> dev.toolgate.gateway.identity.UserProof.NONE;
        };
    }

    private static ToolCall.Builder toolCall(StoredCall s) {
        ToolCall.Builder b = ToolCall.newBuilder().setCallId(s.callId()).setTool(s.toolName())
                .setToolVersion(s.toolVersion()).setStatus(status(s.status())).setResultJson(s.result())
                .setIsError(s.isError()).setUpstreamStatus(s.upstreamStatus()).setResultTruncated(s.resultTruncated())
                .setError(s.error()).setStartedAt(timestamp(s.startedAt())).setSessionId(s.sessionId())
                .setAgentId(s.agentId()).setPolicyDecision(s.policy().decision()).setPolicyRule(s.policy().rule())
                .setPolicyVersion(s.policy().version()).setTraceId(s.traceId()).setSkill(s.skill())
                .setUserId(s.userId());
        s.finishedAt().ifPresent(at -> b.setFinishedAt(timestamp(at)));
        return b;
    }

    static dev.toolgate.proto.v1.QueryCallsResponse auditPage(dev.toolgate.gateway.audit.AuditTrail.Page page) {
        dev.toolgate.proto.v1.QueryCallsResponse.Builder b = dev.toolgate.proto.v1.QueryCallsResponse.newBuilder()
                .setNextPageToken(page.nextPageToken());
        page.calls().forEach(c -> b.addCalls(toolCall(c)));
        return b.build();
    }

    /** A compensation declaration as the admin API shows it. */
    public static dev.toolgate.proto.v1.ToolCompensation compensation(
            dev.toolgate.gateway.compensation.Compensation c) {
        return dev.toolgate.proto.v1.ToolCompensation.newBuilder().setTool(c.tool())
                .setCompensatingTool(c.compensatingTool()).putAllArguments(c.pointers()).setExpression(c.expression())
                .build();
    }

    /** A CompensateSession outcome. */
    static dev.toolgate.proto.v1.CompensateSessionResponse compensation(
            dev.toolgate.gateway.compensation.SessionCompensator.Outcome o) {
        dev.toolgate.proto.v1.CompensateSessionResponse.Builder b = dev.toolgate.proto.v1.CompensateSessionResponse
                .newBuilder().setSessionId(o.sessionId()).setState(switch (o.state()) {
                    case COMPLETED -> dev.toolgate.proto.v1.CompensationState.COMPENSATION_STATE_COMPLETED;
                    case INCOMPLETE -> dev.toolgate.proto.v1.CompensationState.COMPENSATION_STATE_INCOMPLETE;
                });
        for (dev.toolgate.gateway.compensation.CompensationStep s : o.steps()) {
            b.addSteps(dev.toolgate.proto.v1.CompensationStep.newBuilder().setCallId(s.callId()).setTool(s.tool())
                    .setCompensatingTool(s.compensatingTool()).setCompensationCallId(s.compensationCallId())
                    .setStatus(dev.toolgate.proto.v1.CompensationStepStatus.valueOf("COMPENSATION_STEP_STATUS_"
                            + s.status().name()))
                    .setAttempt(s.attempt()).setError(s.error()).setResultJson(s.resultJson())
                    .setReplayed(s.replayed()));
        }
        return b.build();
    }

    /** A call's tool card. */
    static dev.toolgate.proto.v1.ToolCard card(dev.toolgate.gateway.cards.ToolCards.Card c) {
        return dev.toolgate.proto.v1.ToolCard.newBuilder().setTitle(c.title()).setIcon(c.icon())
                .setNarration(c.narration()).setStatus(status(c.status())).setResultSummary(c.resultSummary()).build();
    }
}
