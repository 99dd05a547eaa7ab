package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.StorageFailures;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.CallStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call path of {@code ExecuteTool}: scope check, tool lookup, argument validation,
 * request preparation, durable start record, upstream call, finish record. Every call that
 * passed authentication leaves a row, whether it was refused, failed or succeeded; an
 * upstream is never called unless its start row was written first. Thread-safe.
 */
@Singleton
public class ToolCallService {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCallService.class);
    private static final int MAX_TOOL_NAME = 200;
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

    private final Catalog catalog;
    private final ArgumentParser parser;
    private final ToolExecutor executor;
    private final CallRecorder recorder;
    private final Clock clock;

    public ToolCallService(Catalog catalog, ArgumentParser parser, ToolExecutor executor, CallRecorder recorder,
            Clock clock) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.parser = requireNonNull(parser, "parser");
        this.executor = requireNonNull(executor, "executor");
        this.recorder = requireNonNull(recorder, "recorder");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Executes one call.
     *
     * @return the upstream's answer (success or upstream error)
     * @throws GatewayException for refusals (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED,
     *         ALREADY_EXISTS, FAILED_PRECONDITION) and when the upstream gave no answer
     *         (DEADLINE_EXCEEDED, UNAVAILABLE)
     */
    public CallResult execute(Principal principal, ExecuteCommand command) {
        Instant startedAt = clock.instant();
        long startNanos = System.nanoTime();
        boolean callIdValid = command.callId().isEmpty() || Identifiers.CALL_ID.matcher(command.callId()).matches();
        String callId = command.callId().isEmpty() || !callIdValid ? Identifiers.newId("call") : command.callId();
        boolean sessionValid = command.sessionId().isEmpty()
                || Identifiers.CALL_ID.matcher(command.sessionId()).matches();
        CallRecord.Builder record = CallRecord.builder()
                .tenantId(principal.tenantId())
                .callId(callId)
                .agentId(principal.agentId())
                .keyId(principal.keyId())
                .sessionId(sessionValid ? command.sessionId() : "")
                .toolName(Identifiers.abbreviate(command.tool()))
                .arguments(command.argumentsJson())
                .startedAt(startedAt);

        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; call tools with a key of the tenant");
        }
        if (!callIdValid || !sessionValid || command.tool().length() > MAX_TOOL_NAME) {
            List<FieldViolation> problems = new java.util.ArrayList<>();
            if (!callIdValid) {
                problems.add(new FieldViolation("call_id", "call_id must be 1-128 chars of letters, digits and . _ : -"));
            }
            if (!sessionValid) {
                problems.add(new FieldViolation("session_id", "session_id must be 1-128 chars of letters, digits and . _ : -"));
            }
            if (command.tool().length() > MAX_TOOL_NAME) {
                problems.add(new FieldViolation("tool", "tool name is longer than " + MAX_TOOL_NAME + " chars"));
            }
            throw refuse(record.build(), CallStatus.INVALID_ARGUMENTS,
                    GatewayException.invalidArgument(Identifiers.summary(problems), problems));
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw refuse(record.build(), CallStatus.DENIED, GatewayException.permissionDenied("MISSING_SCOPE",
                    "this API key lacks the 'tools:call' scope"));
        }
        if (command.tool().isEmpty()) {
            throw refuse(record.build(), CallStatus.INVALID_ARGUMENTS, GatewayException.invalidArgument("tool",
                    "tool is required: a qualified name such as support_desk.create_support_case (see ListTools)"));
        }
        ToolDefinition tool = catalog.find(principal.tenantId(), command.tool()).orElse(null);
        if (tool == null) {
            throw refuse(record.build(), CallStatus.TOOL_NOT_FOUND, GatewayException.notFound("TOOL_NOT_FOUND",
                    "tool '" + Identifiers.abbreviate(command.tool()) + "' does not exist",
                    catalog.closest(principal.tenantId(), command.tool())));
        }
        record.toolName(tool.qualifiedName()).toolVersion(tool.version());

        PreparedCall prepared;
        try {
            JsonNode arguments = parser.parse(command.argumentsJson());
            List<FieldViolation> violations = tool.schema().validate(arguments);
            if (!violations.isEmpty()) {
                throw GatewayException.invalidArgument("arguments do not match the input schema of "
                        + tool.qualifiedName() + ": " + Identifiers.summary(violations), violations);
            }
            prepared = executor.prepare(tool, arguments);
        } catch (GatewayException e) {
            throw refuse(record.build(), statusOf(e), e);
        } catch (RuntimeException e) {
            if (!StorageFailures.isStorageFailure(e)) {
                throw e;
            }
            LOG.error("call {} not executed: storage failed while preparing it", callId, e);
            throw GatewayException.unavailable("STORAGE_UNAVAILABLE",
                    "the gateway's storage is unavailable; nothing was executed, retry later", Map.of("call_id", callId));
        }

        Duration timeout = command.clientDeadline()
                .filter(d -> d.compareTo(tool.timeout()) < 0)
                .orElse(tool.timeout());
        if (timeout.compareTo(MIN_TIMEOUT) < 0) {
            throw refuse(record.build(), CallStatus.TIMEOUT, GatewayException.deadlineExceeded("DEADLINE_TOO_SHORT",
                    "the client's deadline leaves no time to call the upstream; nothing was executed",
                    Map.of("call_id", callId)));
        }
        CallRecord started = record.build();
        start(started);
        try {
            UpstreamResponse response = prepared.send(timeout);
            CallRecord.Outcome outcome = CallRecord.Outcome.upstream(response.status(), response.resultJson());
            finish(started, outcome);
            return new CallResult(callId, outcome.status(), response.resultJson(), outcome.isError(),
                    response.status(), Duration.ofNanos(System.nanoTime() - startNanos), tool.version(),
                    response.truncated(), startedAt);
        } catch (UpstreamFailure f) {
            boolean timedOut = f.kind() == UpstreamFailure.Kind.TIMEOUT;
            finish(started, CallRecord.Outcome.failed(
                    timedOut ? CallStatus.TIMEOUT : CallStatus.UPSTREAM_UNAVAILABLE, f.getMessage()));
            Map<String, String> meta = Map.of("call_id", callId, "tool", tool.qualifiedName());
            throw timedOut
                    ? GatewayException.deadlineExceeded("UPSTREAM_TIMEOUT", f.getMessage(), meta)
                    : GatewayException.unavailable("UPSTREAM_UNAVAILABLE", f.getMessage(), meta);
        } catch (RuntimeException e) {
            finish(started, CallRecord.Outcome.failed(CallStatus.FAILED, "internal error: " + e.getClass().getSimpleName()));
            throw e;
        }
    }

    private void start(CallRecord started) {
        boolean inserted;
        try {
            inserted = recorder.start(started);
        } catch (CallRecordException e) {
            LOG.error("call {} not executed: its record could not be stored", started.callId(), e);
            throw GatewayException.unavailable("CALL_RECORD_UNAVAILABLE",
                    "the gateway cannot record calls right now; nothing was executed, retry later",
                    Map.of("call_id", started.callId()));
        }
        if (!inserted) {
            throw GatewayException.alreadyExists("CALL_ID_USED", "call_id '" + started.callId()
                    + "' was already used by an earlier call; send a new call_id");
        }
    }

    private void finish(CallRecord started, CallRecord.Outcome outcome) {
        try {
            recorder.finish(started.finish(outcome, laterOf(started.startedAt())));
        } catch (CallRecordException e) {
            LOG.error("call {} executed but its outcome could not be recorded (row stays RUNNING)",
                    started.callId(), e);
        }
    }

    private GatewayException refuse(CallRecord call, CallStatus status, GatewayException e) {
        CallRecord.Outcome outcome = status.isRefusal()
                ? CallRecord.Outcome.refused(status, e.getMessage())
                : CallRecord.Outcome.failed(status, e.getMessage());
        try {
            if (!recorder.start(call.finish(outcome, laterOf(call.startedAt())))) {
                LOG.debug("refused call {} reused a call id; the earlier record is kept", call.callId());
            }
        } catch (CallRecordException ex) {
            LOG.error("refused call {} could not be recorded", call.callId(), ex);
        }
        return e;
    }

    private Instant laterOf(Instant startedAt) {
        Instant now = clock.instant();
        return now.isBefore(startedAt) ? startedAt : now;
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
