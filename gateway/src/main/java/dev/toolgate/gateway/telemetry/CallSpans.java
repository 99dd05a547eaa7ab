package dev.toolgate.gateway.telemetry;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.StoredKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.observability.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The spans of a tool call, after the OpenTelemetry GenAI semantic conventions: one
 * {@code execute_tool {tool}} span per call ({@code gen_ai.operation.name}, {@code gen_ai.tool.*})
 * with Toolgate's own attributes (tenant, agent, session, tool version, policy decision), and
 * child spans for the stages. Arguments and results are attached only when content capture is
 * on, after redaction and within a size cap. Thread-safe.
 */
@Singleton
public class CallSpans {
    public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    public static final AttributeKey<String> TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    public static final AttributeKey<String> TOOL_TYPE = AttributeKey.stringKey("gen_ai.tool.type");
    public static final AttributeKey<String> TOOL_DESCRIPTION = AttributeKey.stringKey("gen_ai.tool.description");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("toolgate.tenant");
    public static final AttributeKey<String> AGENT = AttributeKey.stringKey("toolgate.agent");
    public static final AttributeKey<String> SESSION = AttributeKey.stringKey("toolgate.session");
    /** The skill the call runs under; absent for a key without skills. */
    public static final AttributeKey<String> SKILL = AttributeKey.stringKey("toolgate.skill");
    /** The end user the call is made for (OpenTelemetry semantic conventions' {@code user.id}). */
    public static final AttributeKey<String> USER = AttributeKey.stringKey("user.id");
    public static final AttributeKey<Long> TOOL_VERSION = AttributeKey.longKey("toolgate.tool.version");
    public static final AttributeKey<String> DECISION = AttributeKey.stringKey("toolgate.policy.decision");
    public static final AttributeKey<String> RULE = AttributeKey.stringKey("toolgate.policy.rule");
    public static final AttributeKey<String> POLICY_VERSION = AttributeKey.stringKey("toolgate.policy.version");
    public static final AttributeKey<String> STATUS = AttributeKey.stringKey("toolgate.call.status");
    public static final AttributeKey<Boolean> REPLAYED = AttributeKey.booleanKey("toolgate.call.replayed");
    private static final int MAX_DESCRIPTION = 500;

    public static final AttributeKey<String> ARGUMENTS = AttributeKey.stringKey("gen_ai.tool.call.arguments");
    public static final AttributeKey<String> RESULT = AttributeKey.stringKey("gen_ai.tool.call.result");

    private final Tracer tracer;
    private final Redactor redactor;
    private final boolean captureContent;
    private final int captureMaxChars;

    /**
     * @param config {@code capture-content} puts the call's arguments and result on its span (redacted,
     *               capped at {@code capture-max-chars}); off by default: telemetry backends are often
     *               less guarded than the audit table
     */
    public CallSpans(Tracer tracer, Redactor redactor,
            TelemetryProperties config) {
        this.tracer = requireNonNull(tracer, "tracer");
        this.redactor = requireNonNull(redactor, "redactor");
        this.captureContent = config.captureContent();
        this.captureMaxChars = config.captureMaxChars();
    }

    /** Puts content ({@link #ARGUMENTS} or {@link #RESULT}) on the span when capture is on: redacted, then capped. */
    public void content(Span span, AttributeKey<String> key, String tool, String json) {
        if (!captureContent || json.isEmpty()) {
            return;
        }
        String redacted = redactor.redact(tool, json);
        span.setAttribute(key, redacted.length() <= captureMaxChars ? redacted
                : redacted.substring(0, captureMaxChars) + "…[truncated]");
    }

    /** Starts the call's span as a child of {@code parent} (the caller's trace, or none). */
    public Span start(Context parent, String requestedTool) {
        return tracer.spanBuilder("execute_tool " + requestedTool).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(OPERATION, "execute_tool").setAttribute(TOOL_NAME, requestedTool).startSpan();
    }

    /** What is known once the tool is resolved. */
    public static void tool(Span span, ToolDefinition tool) {
        String description = tool.description().length() > MAX_DESCRIPTION
                ? tool.description().substring(0, MAX_DESCRIPTION) : tool.description();
        span.updateName("execute_tool " + tool.qualifiedName());
        span.setAttribute(TOOL_NAME, tool.qualifiedName());
        span.setAttribute(TOOL_TYPE, toolType(tool.integration().kind()));
        span.setAttribute(TOOL_DESCRIPTION, description);
        span.setAttribute(TOOL_VERSION, (long) tool.version());
    }

    /** {@code gen_ai.tool.type}: a SQL query reads a datastore, every other kind is an extension. */
    private static String toolType(StoredKind stored) {
        return stored.known().map(kind -> switch (kind) {
            case SQL -> "datastore";
            case HTTP, MCP -> "extension";
        }).orElse("extension");
    }

    /** Marks the span failed with the gateway's reason (or the exception's type). */
    public static void failed(Span span, RuntimeException e) {
        String type = e instanceof GatewayException g ? g.reason() : e.getClass().getName();
        span.setAttribute(ERROR_TYPE, type);
        span.setStatus(StatusCode.ERROR, type);
    }

    /** Runs one stage of the call in a child span named {@code stage}. */
    public <T> T stage(String stage, Supplier<T> work) {
        return stage(stage, work, UnaryOperator.identity());
    }

    /**
     * Runs one stage of the call in a child span named {@code stage}; a failure is marked on the
     * span as {@code reported} maps it (e.g. to the gateway error a wrapper exception carries).
     */
    public <T> T stage(String stage, Supplier<T> work, UnaryOperator<RuntimeException> reported) {
        Span span = tracer.spanBuilder(stage).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            failed(span, reported.apply(e));
            throw e;
        } finally {
            span.end();
        }
    }

    /** A client span for the upstream request, current while {@code work} runs. */
    public Tracer tracer() {
        return tracer;
    }
}
