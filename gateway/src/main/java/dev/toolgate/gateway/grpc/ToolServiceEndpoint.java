package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.PrincipalContext;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.discovery.SearchIndex;
import dev.toolgate.gateway.discovery.SearchToolsTool;
import dev.toolgate.gateway.discovery.ToolFilters;
import dev.toolgate.gateway.discovery.ToolSearch;
import dev.toolgate.proto.v1.SearchToolsRequest;
import dev.toolgate.proto.v1.SearchToolsResponse;
import dev.toolgate.gateway.discovery.ToolPages;
import dev.toolgate.gateway.policy.ToolVisibility;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.execution.ExecuteCommand;
import dev.toolgate.gateway.execution.ToolCallService;
import dev.toolgate.gateway.export.ExportInput;
import dev.toolgate.gateway.export.ToolExporter;
import dev.toolgate.gateway.export.ToolFormat;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExportToolsRequest;
import dev.toolgate.proto.v1.ExportToolsResponse;
import dev.toolgate.proto.v1.ExportedTool;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.ListToolsResponse;
import dev.toolgate.proto.v1.Tool;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import dev.toolgate.gateway.execution.HeldCalls;
import dev.toolgate.gateway.execution.CallResult;
import dev.toolgate.gateway.telemetry.TraceContextInterceptor;
import dev.toolgate.gateway.session.SessionCards;
import dev.toolgate.gateway.session.SessionWatches;
import dev.toolgate.gateway.session.Sessions;
import dev.toolgate.proto.v1.GetSessionRequest;
import dev.toolgate.proto.v1.Session;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.GetToolCallRequest;
import dev.toolgate.proto.v1.ToolCall;
import io.grpc.stub.StreamObserver;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.identity.EndUsers;
import dev.toolgate.proto.v1.DeleteConnectionRequest;
import dev.toolgate.proto.v1.DeleteConnectionResponse;
import dev.toolgate.proto.v1.ListConnectionsRequest;
import dev.toolgate.proto.v1.ListConnectionsResponse;
import dev.toolgate.proto.v1.UserConnection;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code toolgate.v1.ToolService}: converts and delegates; every lookup is the caller's tenant,
 * and an agent is shown only the tools its tenant's policy could let it call.
 */
@Singleton
public class ToolServiceEndpoint implements ToolServiceGrpc.AsyncService {
    private final Catalog catalog;
    private final ToolCallService calls;
    private final HeldCalls held;
    private final Sessions sessions;
    private final ToolVisibility visibility;
    private final EndUsers users;
    private final ConnectedAccounts connections;
    private final ToolPages pages;
    private final ToolFilters filters;
    private final ToolSearch search;
    private final SearchToolsTool searchTool;
    private final java.time.Clock clock;

    private final dev.toolgate.gateway.compensation.SessionCompensator compensator;
    private final dev.toolgate.gateway.session.SessionSummaryTool summaryTool;
    private final dev.toolgate.gateway.cards.ToolCards cards;
    private final SessionCards sessionCards;
    private final SessionWatches watches;

    public ToolServiceEndpoint(Catalog catalog, ToolCallService calls, ToolVisibility visibility, HeldCalls held,
            Sessions sessions, EndUsers users, ConnectedAccounts connections, ToolPages pages, ToolFilters filters,
            ToolSearch search, SearchToolsTool searchTool, java.time.Clock clock,
            dev.toolgate.gateway.compensation.SessionCompensator compensator,
            dev.toolgate.gateway.session.SessionSummaryTool summaryTool, dev.toolgate.gateway.cards.ToolCards cards,
            SessionCards sessionCards, SessionWatches watches) {
        this.sessionCards = requireNonNull(sessionCards, "sessionCards");
        this.watches = requireNonNull(watches, "watches");
        this.cards = requireNonNull(cards, "cards");
        this.summaryTool = requireNonNull(summaryTool, "summaryTool");
        this.compensator = requireNonNull(compensator, "compensator");
        this.clock = requireNonNull(clock, "clock");
        this.users = requireNonNull(users, "users");
        this.connections = requireNonNull(connections, "connections");
        this.search = requireNonNull(search, "search");
        this.searchTool = requireNonNull(searchTool, "searchTool");
        this.pages = requireNonNull(pages, "pages");
        this.filters = requireNonNull(filters, "filters");
        this.held = requireNonNull(held, "held");
        this.sessions = requireNonNull(sessions, "sessions");
        this.catalog = requireNonNull(catalog, "catalog");
        this.calls = requireNonNull(calls, "calls");
        this.visibility = requireNonNull(visibility, "visibility");
    }

    @Override
    public void listTools(ListToolsRequest request, StreamObserver<ListToolsResponse> response) {
        Principal p = toolCaller();
        ToolPages.Page page = pages.page(p, new ToolPages.Request(filters.of(p, request.getIntegration(),
                request.getSkill(), request.getTagsList(), request.getTagsMatchAll()), "list", request.getPageSize(), request.getPageToken(), "page_token"),
                ToolPages::approximateBytes);
        ListToolsResponse.Builder out = ListToolsResponse.newBuilder().setNextPageToken(page.nextPageToken());
        for (ToolDefinition t : page.tools()) {
            out.addTools(ProtoMapper.tool(t));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getTool(GetToolRequest request, StreamObserver<Tool> response) {
        Principal p = toolCaller();
        if (request.getName().isEmpty()) {
            throw GatewayException.invalidArgument("name", "name is required, e.g. support_desk.create_support_case");
        }
        ToolDefinition t = catalog.find(p.tenantId(), request.getName()).filter(found -> visibility.visible(p, found))
                .orElseThrow(() -> GatewayException.notFound("TOOL_NOT_FOUND", "tool '"
                        + Identifiers.abbreviate(request.getName()) + "' does not exist",
                        visibility.closest(p, request.getName())));
        response.onNext(ProtoMapper.tool(t));
        response.onCompleted();
    }

    @Override
    public void exportTools(ExportToolsRequest request, StreamObserver<ExportToolsResponse> response) {
        Principal p = toolCaller();
        ToolFormat format = ExportProto.format(request.getFormat());
        ToolPages.Page page = pages.page(p, new ToolPages.Request(filters.of(p, request.getIntegration(),
                request.getSkill(), request.getTagsList(), request.getTagsMatchAll()), "export:" + format + (request.getTrimLargeSchemas() ? ":trim" : ""),
                request.getPageSize(), request.getPageToken(), "page_token"), ToolPages::approximateBytes);
        List<ToolDefinition> tools = page.tools();
        ToolExporter.Export export = ToolExporter.export(tools.stream().map(ExportInput::of).toList(), format,
                request.getTrimLargeSchemas());
        ExportToolsResponse.Builder out = ExportToolsResponse.newBuilder().setFormat(request.getFormat())
                .setToolsJson(export.json()).setNextPageToken(page.nextPageToken());
        for (ToolDefinition t : tools) {
            out.addTools(ExportedTool.newBuilder().setExportedName(t.exportName()).setName(t.qualifiedName())
                    .setVersion(t.version()));
        }
        export.notes().forEach(n -> out.addNotes(ExportProto.note(n)));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void searchTools(SearchToolsRequest request, StreamObserver<SearchToolsResponse> response) {
        Principal p = toolCaller();
        List<SearchIndex.Hit> hits = search.search(p, request.getQuery(), request.getLimit(),
                filters.of(p, request.getIntegration(), request.getSkill(), request.getTagsList(),
                        request.getTagsMatchAll()));
        SearchToolsResponse.Builder out = SearchToolsResponse.newBuilder();
        for (SearchIndex.Hit hit : hits) {
            out.addTools(ProtoMapper.tool(hit.tool())).addScores(hit.score());
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void executeTool(ExecuteToolRequest request, StreamObserver<ExecuteToolResponse> response) {
        Principal p = PrincipalContext.current();
        if (SearchToolsTool.isNamed(request.getTool())) {
            response.onNext(searchAsTool(toolCaller(), request));
            response.onCompleted();
            return;
        }
        if (dev.toolgate.gateway.session.SessionSummaryTool.isNamed(request.getTool())) {
            Principal caller = toolCaller();
            response.onNext(builtIn(request, () -> summaryTool.call(caller, request.getArgumentsJson(),
                    request.getSessionId()).toString()));
            response.onCompleted();
            return;
        }
        ExecuteCommand command = new ExecuteCommand(request.getTool(), request.getArgumentsJson(),
                request.getCallId(), request.getSessionId(), clientDeadline(), request.getSkill(),
                ProtoMapper.userProof(request));
        ExecuteToolResponse answer;
        try (io.opentelemetry.context.Scope ignored = TraceContextInterceptor.parent().makeCurrent()) {
            CallResult r = CancellationInterrupts.run(() -> calls.execute(p, command));
            String tool = catalog.find(p.tenantId(), request.getTool()).map(t -> t.qualifiedName())
                    .orElse(request.getTool());
            answer = ProtoMapper.response(r).setCard(ProtoMapper.card(cards.card(p.tenantId(), tool,
                    request.getArgumentsJson(), r.status(), r.resultJson()))).build();
        } catch (GatewayException e) {
            if (!request.getRefusalsAsResults() || e.code() == ErrorCode.UNAUTHENTICATED) {
                throw e;
            }
            answer = ProtoMapper.refusal(request.getCallId(), e);
        }
        response.onNext(answer);
        response.onCompleted();
    }

    @Override
    public void getToolCall(GetToolCallRequest request, StreamObserver<ToolCall> response) {
        Principal p = PrincipalContext.current();
        HeldCalls.CallView v = held.view(p, request.getCallId());
        response.onNext(ProtoMapper.toolCall(v, sessionCards.of(p.tenantId(), v.call())));
        response.onCompleted();
    }

    @Override
    public void confirmToolCall(ConfirmToolCallRequest request, StreamObserver<ToolCall> response) {
        Principal p = PrincipalContext.current();
        HeldCalls.CallView v = CancellationInterrupts.run(() -> held.decide(p, request.getCallId(),
                request.getApprove(), request.getReason(), clientDeadline()));
        response.onNext(ProtoMapper.toolCall(v, sessionCards.of(p.tenantId(), v.call())));
        response.onCompleted();
    }

    @Override
    public void getSession(GetSessionRequest request, StreamObserver<Session> response) {
        Principal p = PrincipalContext.current();
        Sessions.View view = sessions.view(p, request.getSessionId());
        String summary;
        try {
            summary = dev.toolgate.gateway.session.SessionSummary.of(view, request.getSummaryMaxChars());
        } catch (IllegalArgumentException e) {
            throw GatewayException.invalidArgument("summary_max_chars", e.getMessage());
        }
        response.onNext(ProtoMapper.session(view, view.rows().stream().map(r -> sessionCards.of(p.tenantId(), r))
                .toList()).toBuilder().setSummary(summary).build());
        response.onCompleted();
    }

    @Override
    public void watchSession(dev.toolgate.proto.v1.WatchSessionRequest request,
            StreamObserver<dev.toolgate.proto.v1.SessionEvent> response) {
        Principal p = PrincipalContext.current();
        StreamingSubscriber.subscribe(watches.watch(p, request.getSessionId()).map(ProtoMapper::sessionEvent),
                (io.grpc.stub.ServerCallStreamObserver<dev.toolgate.proto.v1.SessionEvent>) response);
    }

    @Override
    public void compensateSession(dev.toolgate.proto.v1.CompensateSessionRequest request,
            StreamObserver<dev.toolgate.proto.v1.CompensateSessionResponse> response) {
        Principal p = PrincipalContext.current();
        response.onNext(ProtoMapper.compensation(CancellationInterrupts.run(() -> compensator.compensate(p,
                request.getSessionId(), request.getReason(), ProtoMapper.userProof(request.getUser()),
                clientDeadline()))));
        response.onCompleted();
    }

    @Override
    public void listConnections(ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
        Principal p = toolCaller();
        String user = endUser(p, request.getUser());
        ListConnectionsResponse.Builder out = ListConnectionsResponse.newBuilder();
        for (ConnectedAccounts.Connection c : visibleConnections(p, user)) {
            out.addConnections(UserConnection.newBuilder().setIntegration(c.integration()).setSkill(c.skill())
                    .setConnectedAt(ProtoMapper.timestamp(c.connectedAt()))
                    .setRefreshedAt(ProtoMapper.timestamp(c.refreshedAt())));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void deleteConnection(DeleteConnectionRequest request, StreamObserver<DeleteConnectionResponse> response) {
        Principal p = toolCaller();
        String user = endUser(p, request.getUser());
        int removed = 0;
        for (ConnectedAccounts.Connection c : visibleConnections(p, user)) {
            if (c.integration().equals(request.getIntegration())
                    && (request.getSkill().isEmpty() || c.skill().equals(request.getSkill()))
                    && connections.disconnect(p.tenantId(), user, c.integration(), c.skill())) {
                removed++;
            }
        }
        if (removed == 0) {
            throw GatewayException.notFound("CONNECTION_NOT_FOUND", "the user has no connection to integration '"
                    + Identifiers.abbreviate(request.getIntegration()) + "'" + (request.getSkill().isEmpty() ? ""
                    : " under skill '" + Identifiers.abbreviate(request.getSkill()) + "'"), List.of());
        }
        response.onNext(DeleteConnectionResponse.getDefaultInstance());
        response.onCompleted();
    }

    /**
     * The user's connections this key may see and remove: all of them for a key without skills, only
     * those made under one of its skills otherwise (a key learns nothing of other skills' integrations).
     */
    private List<ConnectedAccounts.Connection> visibleConnections(Principal p, String user) {
        List<ConnectedAccounts.Connection> all = connections.list(p.tenantId(), user);
        if (p.skills().tenantWide()) {
            return all;
        }
        List<String> mine = p.skills().names();
        return all.stream().filter(c -> mine.contains(c.skill())).toList();
    }

    /** The end user a connections request names, proven as on ExecuteTool; it must name one. */
    private String endUser(Principal p, dev.toolgate.proto.v1.EndUser user) {
        String id = users.resolve(p, ProtoMapper.userProof(user)).id();
        if (id.isEmpty()) {
            throw GatewayException.invalidArgument("user", "user is required: the end user's token (user.token) or,"
                    + " from a key with users:assert, the user's id (user.user_id)");
        }
        return id;
    }

    /** The built-in {@code toolgate.search_tools}: answered here, recorded nowhere (it reads the catalog only). */
    private ExecuteToolResponse searchAsTool(Principal p, ExecuteToolRequest request) {
        return builtIn(request, () -> searchTool.call(p, request.getArgumentsJson()).toString());
    }

    /** A built-in tool's answer: recorded nowhere (built-ins only read). */
    private ExecuteToolResponse builtIn(ExecuteToolRequest request, java.util.function.Supplier<String> call) {
        java.time.Instant started = clock.instant();
        long startNanos = System.nanoTime();
        String callId = request.getCallId().isEmpty() ? java.util.UUID.randomUUID().toString() : request.getCallId();
        try {
            String result = call.get();
            Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
            return ExecuteToolResponse.newBuilder().setCallId(callId)
                    .setStatus(dev.toolgate.proto.v1.CallStatus.CALL_STATUS_SUCCEEDED).setResultJson(result)
                    .setStartedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(started.getEpochSecond())
                            .setNanos(started.getNano()))
                    .setDuration(com.google.protobuf.Duration.newBuilder().setSeconds(took.getSeconds())
                            .setNanos(took.getNano()))
                    .build();
        } catch (GatewayException e) {
            if (!request.getRefusalsAsResults()) {
                throw e;
            }
            return ProtoMapper.refusal(callId, e);
        }
    }

    private static Optional<Duration> clientDeadline() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? Optional.empty()
                : Optional.of(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    }

    private static Principal toolCaller() {
        Principal p = PrincipalContext.current();
        if (p.bootstrapAdmin()) {
            throw GatewayException.permissionDenied("BOOTSTRAP_KEY_CANNOT_CALL_TOOLS",
                    "the bootstrap admin key administers tenants; list tools with a key of the tenant");
        }
        return p;
    }
}
