package dev.toolgate.gateway.mcp.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.discovery.SearchToolsTool;
import dev.toolgate.gateway.discovery.ToolFilter;
import dev.toolgate.gateway.discovery.ToolPages;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.identity.UserProof;
import dev.toolgate.gateway.execution.HeldCalls;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.confirm.Confirmation;
import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.StoredCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import dev.toolgate.gateway.policy.ToolVisibility;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Toolgate's catalog as an MCP server, stateless: every JSON-RPC request is answered on its own
 * (no session, so any gateway instance serves any request), for the principal whose key came with
 * it. {@code tools/list} returns the tools the policy lets this agent see, under their MCP-safe
 * names ({@code integration__tool}); {@code tools/call} runs the same pipeline as
 * {@code ExecuteTool} — validation, policy, confirmation, resilience, audit row and span.
 * Thread-safe.
 */
@Singleton
public class McpServerProtocol {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpServerProtocol.class);
    /** Newest first; an unknown version asked for by a client is answered with the newest. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    /** The one revision with JSON-RPC batches (2025-06-18 removed them). */
    static final String BATCH_VERSION = "2025-03-26";
    private static final int MAX_BATCH = 50;
    /** MCP 2025-11-25 {@code URLElicitationRequiredError}: the request can be retried once the user opened a URL. */
    static final int URL_ELICITATION_REQUIRED = -32042;
    /** Where a client may put the call's idempotency key (a retry with it replays, never runs twice). */
    static final String CALL_ID = "dev.toolgate/call_id";
    static final String SESSION_ID = "dev.toolgate/session_id";
    static final String SKILL = "dev.toolgate/skill";
    /** The end user's JWT from the tenant's identity provider (see docs/identity.md). */
    static final String USER_TOKEN = "dev.toolgate/user_token";
    /** The end user's id, asserted by a key with the {@code users:assert} scope. */
    static final String USER_ID = "dev.toolgate/user_id";
    /** The id of an elicitation request for a held call: this prefix and the call id. */
    static final String ELICIT = "toolgate-confirm:";
    /** How often a stream waiting for a user's decision reads the call. */
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(500);
    private static final int MAX_DEPTH = 64;
    private static final ObjectMapper JSON = JsonSupport.untrusted(MAX_DEPTH, 1 << 20);

    private final Catalog catalog;
    private final ToolVisibility visibility;
    private final ToolCallService calls;
    private final HeldCalls held;
    private final McpSessions sessions;
    private final java.time.Clock clock;
    private final ToolPages pages;
    private final SearchToolsTool searchTool;
    private final dev.toolgate.gateway.execution.OutputCheck outputs;
    private final dev.toolgate.gateway.session.SessionSummaryTool summaryTool;
    /** The tools/call requests this instance runs, by tenant, key and request id. */
    private final java.util.Map<String, dev.toolgate.gateway.execution.CancellationWindow> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();

    public McpServerProtocol(Catalog catalog, ToolVisibility visibility, ToolCallService calls, HeldCalls held,
            McpSessions sessions, java.time.Clock clock, ToolPages pages, SearchToolsTool searchTool,
            dev.toolgate.gateway.execution.OutputCheck outputs,
            dev.toolgate.gateway.session.SessionSummaryTool summaryTool) {
        this.outputs = requireNonNull(outputs, "outputs");
        this.summaryTool = requireNonNull(summaryTool, "summaryTool");
        this.searchTool = requireNonNull(searchTool, "searchTool");
        this.pages = requireNonNull(pages, "pages");
        this.clock = requireNonNull(clock, "clock");
        this.held = requireNonNull(held, "held");
        this.sessions = requireNonNull(sessions, "sessions");
        this.catalog = requireNonNull(catalog, "catalog");
        this.visibility = requireNonNull(visibility, "visibility");
        this.calls = requireNonNull(calls, "calls");
    }

    /**
     * An HTTP answer: 200 with a JSON-RPC response (or, when a call waits for the user, a stream of
     * messages that ends with it), 202 with no body (notifications, answers), 400 for malformed
     * input, 404 for a session that is not one; {@code sessionId} is set by {@code initialize}.
     */
    public record Reply(int status, Optional<String> json, Optional<String> sessionId,
            Optional<Flux<String>> stream) {
        Reply(int status, Optional<String> json) {
            this(status, json, Optional.empty(), Optional.empty());
        }

        static Reply accepted() {
            return new Reply(202, Optional.empty());
        }
    }

    /** Answers one POSTed JSON-RPC message of an authenticated principal, in its session if it names one. */
    public Reply handle(Principal principal, String body, Optional<String> sessionId) {
        return handle(principal, body, sessionId, Optional.empty());
    }

    /**
     * Answers a POSTed body: one JSON-RPC message, or — for a client speaking 2025-03-26, the one
     * revision that has them (its {@code MCP-Protocol-Version} header, or none, which the later
     * revisions say means 2025-03-26) — a batch, answered with the array of its responses.
     */
    public Reply handle(Principal principal, String body, Optional<String> sessionId, Optional<String> version) {
        Optional<McpSessions.Session> session = Optional.empty();
        if (sessionId.isPresent()) {
            session = sessions.read(sessionId.get(), principal);
            if (session.isEmpty()) {
                return new Reply(404, Optional.of(error(null, INVALID_REQUEST, "no such session for this key;"
                        + " send initialize again")));
            }
        }
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Reply(400, Optional.of(error(null, PARSE_ERROR, "the body is not JSON: " + e.getOriginalMessage())));
        }
        if (message != null && message.isArray()) {
            return batch(principal, (ArrayNode) message, session, version);
        }
        return one(principal, message, session, true);
    }

    /** A JSON-RPC batch (MCP 2025-03-26 only): each message answered in turn; no response when none asks one. */
    private Reply batch(Principal principal, ArrayNode messages, Optional<McpSessions.Session> session,
            Optional<String> version) {
        if (version.isPresent() && !BATCH_VERSION.equals(version.get())) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, "JSON-RPC batches are part of MCP "
                    + BATCH_VERSION + " only; MCP " + abbreviate(version.get()) + " sends one message per request")));
        }
        if (messages.isEmpty()) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, "an empty batch is not a request")));
        }
        if (messages.size() > MAX_BATCH) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, "a batch may hold at most " + MAX_BATCH
                    + " messages")));
        }
        ArrayNode answers = JSON.createArrayNode();
        for (JsonNode m : messages) {
            Reply r;
            if ("initialize".equals(m.path("method").asText())) {
                r = new Reply(400, Optional.of(error(m.get("id") != null && m.get("id").isValueNode() ? m.get("id")
                        : null, INVALID_REQUEST, "initialize must not be part of a JSON-RPC batch")));
            } else {
                r = one(principal, m, session, false);
            }
            if (r.json().isPresent()) {
                try {
                    answers.add(JSON.readTree(r.json().get()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("an answer of ours is not JSON", e);
                }
            }
        }
        return answers.isEmpty() ? Reply.accepted() : new Reply(200, Optional.of(answers.toString()));
    }

    /** One JSON-RPC message; {@code mayStream}: a held call may ask the user over a stream (not in a batch). */
    private Reply one(Principal principal, JsonNode message, Optional<McpSessions.Session> session,
            boolean mayStream) {
        if (message == null || !message.isObject()) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, message != null && message.isArray()
                    ? "a JSON-RPC batch may not hold another batch" : "a JSON-RPC message is an object")));
        }
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (method == null) {
            return answered(principal, message); // the client's answer to a request of ours
        }
        if (id == null) {
            return notified(principal, method.asText(""), message.path("params")); // a notification: nothing to answer
        }
        if (id.isNull()) { // JSON-RPC answers it (with a null id); MCP does not allow a null request id
            return new Reply(400, Optional.of(error(NullNode.getInstance(), INVALID_REQUEST, "an MCP request needs a"
                    + " string or integer \"id\" (null is not one); a notification has no \"id\" at all")));
        }
        if (!"2.0".equals(message.path("jsonrpc").asText()) || !method.isTextual()
                || !(id.isTextual() || id.isIntegralNumber())) {
            return new Reply(400, Optional.of(error(id.isTextual() || id.isIntegralNumber() ? id : NullNode.getInstance(),
                    INVALID_REQUEST, "a request needs \"jsonrpc\": \"2.0\", a string or integer \"id\" and a"
                            + " string \"method\"")));
        }
        JsonNode params = message.path("params");
        try {
            return switch (method.asText()) {
                case "initialize" -> new Reply(200, Optional.of(result(id, initialize(params))),
                        Optional.of(sessions.open(principal, asksForms(params.path("capabilities")
                                .path("elicitation")), asksUrls(params.path("capabilities").path("elicitation")))),
                        Optional.empty());
                case "ping" -> new Reply(200, Optional.of(result(id, JSON.createObjectNode())));
                case "tools/list" -> new Reply(200, Optional.of(toolsList(principal, id, params)));
                case "tools/call" -> toolsCall(principal, id, params, mayStream ? session : Optional.empty());
                default -> new Reply(200, Optional.of(error(id, METHOD_NOT_FOUND, "method '"
                        + abbreviate(method.asText()) + "' is not supported; this server offers tools (tools/list,"
                        + " tools/call)")));
            };
        } catch (GatewayException e) {
            if (e.code() == dev.toolgate.gateway.error.ErrorCode.PERMISSION_DENIED) {
                throw e; // the key may not do this at all: HTTP 403
            }
            return new Reply(200, Optional.of(error(id, INTERNAL_ERROR, e.reason() + ": " + e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("MCP request {} failed", abbreviate(method.asText()), e);
            return new Reply(500, Optional.of(error(id, INTERNAL_ERROR, "internal error; see the gateway log")));
        }
    }

    /**
     * A notification of the client. {@code notifications/cancelled} for a {@code tools/call} this
     * instance is running for the same key interrupts its wait for the upstream, which sees the cancel
     * (an MCP server gets {@code notifications/cancelled}, an HTTP upstream's request is closed); the
     * call is recorded as not answered. Others need no action.
     */
    private Reply notified(Principal principal, String method, JsonNode params) {
        if ("notifications/cancelled".equals(method)) {
            JsonNode requestId = params.path("requestId");
            if (requestId.isTextual() || requestId.isIntegralNumber()) {
                dev.toolgate.gateway.execution.CancellationWindow window = inFlight.get(inFlightKey(principal, requestId));
                if (window != null) {
                    LOG.debug("MCP client of key {} cancelled request {}", principal.keyId(), abbreviate(
                            requestId.toString()));
                    window.cancel();
                }
            }
        }
        return Reply.accepted();
    }

    private static String inFlightKey(Principal principal, JsonNode requestId) {
        return principal.tenantId() + '\u0000' + principal.keyId() + '\u0000' + requestId;
    }

    /** True when the session id is one of ours, opened with this principal's key. */
    public boolean knowsSession(String sessionId, Principal principal) {
        return sessions.read(sessionId, principal).isPresent();
    }

    /** True when the client can answer form elicitations ({@code {}} or with {@code form}, not URL-only). */
    private static boolean asksForms(JsonNode elicitation) {
        return elicitation.isObject() && (elicitation.isEmpty() || elicitation.has("form"));
    }

    /** True when the client can handle URL-mode elicitation ({@code url} in its elicitation capability). */
    private static boolean asksUrls(JsonNode elicitation) {
        return elicitation.isObject() && elicitation.has("url");
    }

    /** The protocol version to speak when a client asks for {@code requested}. */
    static String negotiate(String requested) {
        return VERSIONS.contains(requested) ? requested : VERSIONS.get(0);
    }

    private static ObjectNode initialize(JsonNode params) {
        ObjectNode result = JSON.createObjectNode();
        result.put("protocolVersion", negotiate(params.path("protocolVersion").asText()));
        result.putObject("capabilities").putObject("tools").put("listChanged", true);
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "toolgate");
        info.put("version", "0.1.0");
        result.put("instructions", "Tools of your tenant, run through Toolgate: every call is checked against its"
                + " schema and the tenant's policy, and recorded. A call that needs a human's approval asks the"
                + " user (elicitation) when the policy lets the app approve it, otherwise answers with an error"
                + " result that says how to get it approved.");
        return result;
    }

    /**
     * One page of the agent's tools ({@link ToolPages#DEFAULT_PAGE_SIZE} at most) and a
     * {@code nextCursor} while more remain; a cursor that is not the one we issued (altered, of
     * another key, or of an older catalog revision) answers -32602.
     */
    private String toolsList(Principal principal, JsonNode id, JsonNode params) {
        requireCaller(principal);
        JsonNode cursor = params.path("cursor");
        if (!cursor.isMissingNode() && !cursor.isNull() && !cursor.isTextual()) {
            return error(id, INVALID_PARAMS, "params.cursor must be the nextCursor of the previous tools/list");
        }
        ToolPages.Page page;
        try {
            page = pages.page(principal, new ToolPages.Request(ToolFilter.NONE, "mcp", 0,
                    cursor.isTextual() ? cursor.asText() : "", "cursor"), ToolPages::approximateBytes);
        } catch (GatewayException e) {
            if (e.code() != dev.toolgate.gateway.error.ErrorCode.INVALID_ARGUMENT) {
                throw e;
            }
            return error(id, INVALID_PARAMS, e.reason() + ": " + e.getMessage());
        }
        ArrayNode tools = JSON.createArrayNode();
        if (!cursor.isTextual()) {
            tools.add(searchToolsEntry()); // the built-in search leads the first page
            tools.add(builtInEntry(dev.toolgate.gateway.session.SessionSummaryTool.EXPORTED_NAME,
                    dev.toolgate.gateway.session.SessionSummaryTool.NAME,
                    dev.toolgate.gateway.session.SessionSummaryTool.DESCRIPTION,
                    dev.toolgate.gateway.session.SessionSummaryTool.INPUT_SCHEMA));
        }
        for (ToolDefinition t : page.tools()) {
            tools.add(tool(t));
        }
        ObjectNode result = JSON.createObjectNode();
        result.set("tools", tools);
        if (!page.nextPageToken().isEmpty()) {
            result.put("nextCursor", page.nextPageToken());
        }
        return result(id, result);
    }

    /**
     * What this agent's {@code tools/list} would hold, as a digest of names and versions: it
     * changes when a tool is added, changed or removed, or the policy shows or hides one.
     */
    public String toolsFingerprint(Principal principal) {
        requireCaller(principal);
        StringBuilder all = new StringBuilder();
        for (ToolDefinition t : visibility.visible(principal, catalog.list(principal.tenantId()))) {
            all.append(t.qualifiedName()).append('@').append(t.version()).append('\n');
        }
        return dev.toolgate.gateway.core.Digests.sha256Hex(all.toString());
    }

    /** A ping request of the server (keeps a stream alive; clients answer it). */
    static String ping(String id) {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("id", id);
        n.put("method", "ping");
        return n.toString();
    }

    /** The notification that the tool list changed. */
    /** {@code notifications/elicitation/complete} (MCP 2025-11-25) for the URL elicitation {@code elicitationId}. */
    static String elicitationComplete(String elicitationId) {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("method", "notifications/elicitation/complete");
        n.putObject("params").put("elicitationId", elicitationId);
        return n.toString();
    }

    static String listChanged() {
        ObjectNode n = JSON.createObjectNode();
        n.put("jsonrpc", "2.0");
        n.put("method", "notifications/tools/list_changed");
        return n.toString();
    }

    private static ObjectNode tool(ToolDefinition t) {
        ObjectNode tool = JSON.createObjectNode();
        tool.put("name", t.exportName());
        tool.put("title", t.qualifiedName());
        tool.put("description", t.description());
        tool.set("inputSchema", parse(t.inputSchemaJson()));
        if (!t.outputSchemaJson().isEmpty()) {
            JsonNode output = parse(t.outputSchemaJson());
            if ("object".equals(output.path("type").asText())) { // MCP output schemas describe objects
                tool.set("outputSchema", output);
            }
        }
        ToolAnnotations a = t.annotations();
        ObjectNode annotations = tool.putObject("annotations");
        annotations.put("readOnlyHint", a.readOnly());
        annotations.put("destructiveHint", a.destructive());
        annotations.put("idempotentHint", a.idempotent());
        annotations.put("openWorldHint", a.openWorld());
        return tool;
    }

    /** The built-in search as a tool result: text and structured content; bad arguments are a tool error. */
    private ObjectNode searchToolsResult(Principal principal, String argumentsJson) {
        return builtInResult(() -> searchTool.call(principal, argumentsJson));
    }

    /** A built-in tool's answer as a tool result; bad arguments are a tool error. */
    private ObjectNode builtInResult(java.util.function.Supplier<ObjectNode> call) {
        ObjectNode result = JSON.createObjectNode();
        try {
            ObjectNode found = call.get();
            result.putArray("content").addObject().put("type", "text").put("text", found.toString());
            result.set("structuredContent", found);
            result.put("isError", false);
        } catch (GatewayException e) {
            if (e.code() != dev.toolgate.gateway.error.ErrorCode.INVALID_ARGUMENT) {
                throw e;
            }
            result.putArray("content").addObject().put("type", "text").put("text", e.getMessage());
            result.put("isError", true);
        }
        return result;
    }

    /** The built-in {@code toolgate__search_tools} as {@code tools/list} shows it. */
    private static ObjectNode searchToolsEntry() {
        return builtInEntry(SearchToolsTool.EXPORTED_NAME, SearchToolsTool.NAME, SearchToolsTool.DESCRIPTION,
                SearchToolsTool.INPUT_SCHEMA);
    }

    /** A read-only built-in tool as {@code tools/list} shows it. */
    private static ObjectNode builtInEntry(String name, String title, String description, String inputSchema) {
        ObjectNode tool = JSON.createObjectNode();
        tool.put("name", name);
        tool.put("title", title);
        tool.put("description", description);
        tool.set("inputSchema", parse(inputSchema));
        tool.putObject("annotations").put("readOnlyHint", true).put("destructiveHint", false)
                .put("idempotentHint", true).put("openWorldHint", false);
        return tool;
    }

    private Reply toolsCall(Principal principal, JsonNode id, JsonNode params, Optional<McpSessions.Session> session) {
        requireCaller(principal);
        JsonNode name = params.path("name");
        if (!name.isTextual() || name.asText().isEmpty()) {
            return reply(error(id, INVALID_PARAMS, "tools/call needs params.name, the tool's name from tools/list"));
        }
        JsonNode arguments = params.path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isObject()) {
            return reply(error(id, INVALID_PARAMS, "params.arguments must be an object"));
        }
        String argumentsJson = arguments.isObject() ? arguments.toString() : "{}";
        String tool = name.asText();
        if (SearchToolsTool.isNamed(tool)) {
            return reply(result(id, searchToolsResult(principal, argumentsJson)));
        }
        if (dev.toolgate.gateway.session.SessionSummaryTool.isNamed(tool)) {
            String current = params.path("_meta").path(SESSION_ID).asText("");
            return reply(result(id, builtInResult(() -> summaryTool.call(principal, argumentsJson, current))));
        }
        // A name the tenant's catalog does not hold is a protocol error, as every MCP revision shows it; a
        // tool the policy hides from this agent (a reload since its tools/list) is refused by the call
        // path as a tool error that tells the model to list tools again — a JSON-RPC error would end
        // the run in most agent frameworks.
        Optional<ToolDefinition> found = catalog.find(principal.tenantId(), tool)
                .filter(t -> principal.skills().includes(t)); // outside the key's skills: as if it did not exist
        if (found.isEmpty()) {
            return reply(error(id, INVALID_PARAMS, "Unknown tool: " + abbreviate(tool)));
        }
        JsonNode meta = params.path("_meta");
        CallResult r;
        String key = inFlightKey(principal, id);
        try (dev.toolgate.gateway.execution.CancellationWindow window = dev.toolgate.gateway.execution
                .CancellationWindow.bind()) {
            inFlight.put(key, window); // notifications/cancelled for this id interrupts the upstream wait
            r = calls.execute(principal, new ExecuteCommand(found.get().qualifiedName(), argumentsJson,
                    meta.path(CALL_ID).asText(""), meta.path(SESSION_ID).asText(""), Optional.empty(),
                    meta.path(SKILL).asText(""), userProof(meta)));
        } catch (GatewayException e) {
            String connectUrl = e.metadata().getOrDefault("connect_url", "");
            if (ConnectedAccounts.CONNECTION_REQUIRED.equals(e.reason()) && !connectUrl.isEmpty()
                    && session.map(McpSessions.Session::urlElicitation).orElse(false)) {
                return reply(connectElicitation(id, e.metadata().getOrDefault("integration", ""), connectUrl));
            }
            return reply(result(id, McpToolResults.refused(e)));
        } finally {
            inFlight.remove(key);
        }
        if (r.status() == CallStatus.PENDING_CONFIRMATION && r.confirmation().isPresent()
                && session.map(McpSessions.Session::elicitation).orElse(false)
                && r.confirmation().get().selfConfirm() && principal.hasScope(Scopes.TOOLS_CONFIRM)) {
            return new Reply(200, Optional.empty(), Optional.empty(),
                    Optional.of(askTheUser(principal, id, found.get(), r)));
        }
        return reply(result(id, McpToolResults.of(found.get(), r)));
    }

    /**
     * The user must connect their account first, for a client that handles URL-mode elicitation: a
     * {@code URLElicitationRequiredError} whose one elicitation is the connect link (single use, bound to
     * the tenant, user, integration and skill of this call; it holds no credential). The client shows
     * it to its user, who signs in at the integration's authorization server; then the client retries.
     * The elicitation id is derived from the link, so the link's state itself is never repeated.
     */
    private static String connectElicitation(JsonNode id, String integration, String connectUrl) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        ObjectNode error = response.putObject("error");
        error.put("code", URL_ELICITATION_REQUIRED);
        error.put("message", "This call acts with your own account of " + integration + ", which is not connected.");
        ObjectNode elicitation = error.putObject("data").putArray("elicitations").addObject();
        elicitation.put("mode", "url");
        elicitation.put("elicitationId", ConnectedAccounts.elicitationId(connectUrl));
        elicitation.put("url", connectUrl);
        elicitation.put("message", "Connect your " + integration + " account: sign in there and allow access,"
                + " then try again.");
        return response.toString();
    }

    /** The end user a tools/call names in its {@code _meta}: a token wins over an asserted id. */
    private static UserProof userProof(JsonNode meta) {
        String token = meta.path(USER_TOKEN).asText("");
        return token.isEmpty() ? UserProof.assertedId(meta.path(USER_ID).asText("")) : UserProof.token(token);
    }

    private static Reply reply(String json) {
        return new Reply(200, Optional.of(json));
    }

    /**
     * A held call whose rule lets the calling key confirm it, for a client that can ask its user:
     * an {@code elicitation/create} request, then — once the user's answer has approved (and run)
     * or denied the call, through any instance — the call's outcome as the answer to tools/call.
     */
    private Flux<String> askTheUser(Principal principal, JsonNode id, ToolDefinition tool, CallResult held) {
        Confirmation c = held.confirmation().get();
        ObjectNode request = JSON.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", ELICIT + held.callId() + "." + sessions.tag(principal, held.callId()));
        request.put("method", "elicitation/create");
        ObjectNode p = request.putObject("params");
        p.put("message", "Approve this call? " + c.summary() + " (it expires at " + c.expiresAt() + ")");
        ObjectNode schema = p.putObject("requestedSchema");
        schema.put("type", "object");
        ObjectNode approve = schema.putObject("properties").putObject("approve");
        approve.put("type", "boolean");
        approve.put("title", "Approve");
        approve.put("description", "Run " + tool.qualifiedName() + " with these arguments");
        schema.putArray("required").add("approve");
        String callId = held.callId();
        Mono<String> outcome = Flux.interval(POLL, POLL)
                .onBackpressureDrop()
                .concatMap(tick -> Mono.fromCallable(() -> this.held.view(principal, callId).call()) // expires it late
                        .subscribeOn(Schedulers.boundedElastic()))
                .filter(call -> !call.status().isOpen())
                .next()
                .map(call -> result(id, McpToolResults.of(tool, call, r -> outputs.check(tool, r))))
                .timeout(java.time.Duration.between(clock.instant(), c.expiresAt()).plusSeconds(30))
                .onErrorResume(e -> Mono.just(result(id, McpToolResults.refused(GatewayException.aborted(
                        "CONFIRMATION_PENDING", "the outcome of call_id '" + callId + "' is not known yet ("
                                + e.getClass().getSimpleName() + "); read it later with GetToolCall")))));
        return Flux.concat(Mono.just(request.toString()), outcome);
    }

    /**
     * The client's answer to an elicitation this gateway sent to this key (the id carries a tag
     * only the gateway can make): "accept" with approve = true approves (and runs) the held call,
     * "decline" or approve = false denies it; "cancel" or an error leaves it held.
     */
    private Reply answered(Principal principal, JsonNode message) {
        String id = message.path("id").asText("");
        if (!id.startsWith(ELICIT)) {
            return Reply.accepted(); // an answer to a ping, or to nothing of ours
        }
        String rest = id.substring(ELICIT.length());
        int dot = rest.lastIndexOf('.');
        if (dot < 0 || !sessions.checkTag(principal, rest.substring(0, dot), rest.substring(dot + 1))) {
            return new Reply(400, Optional.of(error(null, INVALID_REQUEST, "not an answer to a request of this"
                    + " server to this key")));
        }
        String callId = rest.substring(0, dot);
        JsonNode result = message.path("result");
        String action = result.path("action").asText("");
        if (message.has("error") || "cancel".equals(action)) {
            return Reply.accepted(); // no decision: the call stays held for another approver, or expires
        }
        boolean approve = "accept".equals(action) && result.path("content").path("approve").asBoolean(false);
        try {
            held.decide(principal, callId, approve, "answered by the user in the MCP client (" + action + ")",
                    Optional.empty());
        } catch (GatewayException e) {
            return new Reply(400, Optional.of(error(null, INVALID_PARAMS, e.reason() + ": " + e.getMessage())));
        }
        return Reply.accepted();
    }

    private static void requireCaller(Principal principal) {
        if (principal.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; use a key of the tenant");
        }
        if (!principal.hasScope(Scopes.TOOLS_CALL)) {
            throw GatewayException.permissionDenied("MISSING_SCOPE", "this API key lacks the 'tools:call' scope");
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JsonSupport.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored schema is not JSON", e);
        }
    }

    private static String result(JsonNode id, JsonNode result) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result);
        return response.toString();
    }

    static String error(JsonNode id, int code, String message) {
        ObjectNode response = JSON.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return response.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
