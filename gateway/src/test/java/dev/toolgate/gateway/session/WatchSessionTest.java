package dev.toolgate.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.PolicyFiles;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetSessionRequest;
import dev.toolgate.proto.v1.GetToolCallRequest;
import dev.toolgate.proto.v1.Session;
import dev.toolgate.proto.v1.SessionEvent;
import dev.toolgate.proto.v1.SetToolCardRequest;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.WatchSessionRequest;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Cards in the session views (GetSession, GetToolCall, ConfirmToolCall) and WatchSession: the calls so
 * far, then each change live — a held call and its approval too —, scoped like GetSession, over gRPC
 * and as Server-Sent Events.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatchSessionTest implements TestPropertyProvider {
    /** How long a test waits for an event before it fails (a hang guard, not a timing assertion). */
    private static final long PATIENCE_SECONDS = 60;
    private static final Path DIR = PolicyFiles.deskWithUrgentCasesConfirmed("toolgate-watch-policies");

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    @Inject
    EmbeddedServer http;

    TenantFixture fx;
    String session;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.policy.dir", DIR.toString(), "toolgate.policy.check-interval", "200ms");
    }

    @BeforeEach
    void setUp() {
        gateway.upstream().route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\",\"access_token\":\"tok_9\"}"));
        fx = gateway.fixture();
        fx.createCaseTool("/cases", 5_000);
        fx.admin().setToolCard(SetToolCardRequest.newBuilder().setTenant(fx.tenant).setTool("desk.create_case")
                .setTitle("Open a support case").setIcon("ticket")
                .setNarration("Opening a support case for {customer_id}").build());
        session = "s-" + UUID.randomUUID();
    }

    @Test
    void getSession_getToolCall_andConfirmToolCall_carryEachCallsCard() {
        call("acme", "low", "c1");
        ExecuteToolResponse held = call("globex", "high", "c2");
        String supervisor = fx.key("lead", "tools:confirm");

        ToolCall heldView = fx.agent().getToolCall(GetToolCallRequest.newBuilder().setCallId("c2").build());
        ToolCall approved = Clients.tools(gateway.channel(), supervisor).confirmToolCall(ConfirmToolCallRequest
                .newBuilder().setCallId("c2").setApprove(true).setReason("ok").build());
        Session s = fx.agent().getSession(GetSessionRequest.newBuilder().setSessionId(session).build());

        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(heldView.getCard().getNarration()).isEqualTo("Opening a support case for globex");
        assertThat(heldView.getCard().getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(heldView.getCard().getResultSummary()).isEqualTo("held for a human&#39;s approval; it has not run");
        assertThat(approved.getCard().getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(approved.getCard().getResultSummary()).contains("C-1").doesNotContain("tok\\_9");
        assertThat(s.getCallsList()).extracting(c -> c.getCard().getNarration()).containsExactly(
                "Opening a support case for acme", "Opening a support case for globex");
        assertThat(s.getCallsList()).extracting(c -> c.getCard().getTitle()).containsOnly("Open a support case");
        assertThat(s.getCalls(0).getCard().getResultSummary()).contains("\\[REDACTED\\]").doesNotContain("tok\\_9");
    }

    @Test
    void watchSession_sendsTheCallsSoFar_thenLiveChanges_includingAHeldCallAndItsApproval() throws Exception {
        call("acme", "low", "c1");
        Watch watch = watch(fx.agentKey);
        watch.next(e -> e.getCall().getCallId().equals("c1")
                && e.getCall().getStatus() == CallStatus.CALL_STATUS_SUCCEEDED);
        watch.next(SessionEvent::getCaughtUp);

        call("globex", "high", "c2");
        SessionEvent held = watch.next(e -> e.getCall().getCallId().equals("c2")
                && e.getCall().getStatus() == CallStatus.CALL_STATUS_PENDING_CONFIRMATION
                && e.getCall().getConfirmation().getState().equals("PENDING"));
        Clients.tools(gateway.channel(), fx.key("lead", "tools:confirm")).confirmToolCall(ConfirmToolCallRequest
                .newBuilder().setCallId("c2").setApprove(true).setReason("ok").build());
        SessionEvent done = watch.next(e -> e.getCall().getCallId().equals("c2")
                && e.getCall().getStatus() == CallStatus.CALL_STATUS_SUCCEEDED);
        call("initech", "low", "c3");
        watch.next(e -> e.getCall().getCallId().equals("c3")
                && e.getCall().getStatus() == CallStatus.CALL_STATUS_SUCCEEDED);
        watch.cancel();

        assertThat(held.getCall().getCard().getNarration()).isEqualTo("Opening a support case for globex");
        assertThat(held.getCall().getCard().getResultSummary()).isEqualTo(
                "held for a human&#39;s approval; it has not run");
        assertThat(done.getCall().getConfirmation().getState()).isEqualTo("APPROVED");
        assertThat(done.getCall().getConfirmation().getDecidedBy()).isEqualTo("lead");
        assertThat(done.getCall().getCard().getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        // in order: nothing of a call comes after a later call's first event, and no status goes back
        assertThat(watch.callOrder()).containsSubsequence("c1", "c2", "c3");
        assertThat(watch.statusesOf("c2")).first().isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);
        assertThat(watch.statusesOf("c2")).last().isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void anotherTenant_anotherAgent_andAKeyWithoutTheScope_getNothingOfTheSession() throws Exception {
        TenantFixture other = TenantFixture.create(gateway.channel(), gateway.upstream().baseUrl());
        Watch otherTenant = watch(other.agentKey);
        Watch otherAgent = watch(fx.key("agent-2", "tools:call"));
        Watch mine = watch(fx.agentKey);
        otherTenant.next(SessionEvent::getCaughtUp);
        otherAgent.next(SessionEvent::getCaughtUp);
        mine.next(SessionEvent::getCaughtUp);

        call("acme", "low", "c1");
        mine.next(e -> e.getCall().getStatus() == CallStatus.CALL_STATUS_SUCCEEDED);
        // the other watchers read the session when it changed too (same id), or were never told:
        // either way a read of theirs after the call shows nothing
        StatusRuntimeException noScope = catchThrowableOfType(StatusRuntimeException.class, () ->
                Clients.tools(gateway.channel(), fx.key("auditor", "audit:read")).watchSession(WatchSessionRequest
                        .newBuilder().setSessionId(session).build()).hasNext());
        Watch lateOtherAgent = watch(fx.key("agent-3", "tools:call"));
        lateOtherAgent.next(SessionEvent::getCaughtUp);

        assertThat(noScope.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(otherTenant.received()).singleElement().satisfies(e -> assertThat(e.getCaughtUp()).isTrue());
        assertThat(otherAgent.received()).singleElement().satisfies(e -> assertThat(e.getCaughtUp()).isTrue());
        assertThat(lateOtherAgent.received()).singleElement().satisfies(e -> assertThat(e.getCaughtUp()).isTrue());
        otherTenant.cancel();
        otherAgent.cancel();
        mine.cancel();
        lateOtherAgent.cancel();
    }

    @Test
    void aClientCancel_endsTheWatch() throws Exception {
        SessionWatches watches = gateway.bean(SessionWatches.class);
        int before = watches.open();
        Watch watch = watch(fx.agentKey);
        watch.next(SessionEvent::getCaughtUp);
        assertThat(watches.open()).isEqualTo(before + 1);

        watch.cancel();

        Eventually.until(() -> assertThat(watches.open()).isEqualTo(before));
    }

    @Test
    void aWatcherThatDoesNotRead_isStoppedWhenItFallsTooFarBehind_thenGetsWhatWasHeld_andResourceExhausted() {
        SessionWatches watches = gateway.bean(SessionWatches.class);
        int before = watches.open();
        List<SessionWatches.Update> got = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> ended = new AtomicReference<>();
        BaseSubscriber<SessionWatches.Update> sleeper = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription subscription) {
                subscription.request(1); // caught_up, then nothing more: a client that stops reading
            }

            @Override
            protected void hookOnNext(SessionWatches.Update u) {
                got.add(u);
            }

            @Override
            protected void hookOnError(Throwable error) {
                ended.set(error);
            }
        };
        watches.watch(gateway.bean(Authenticator.class).authenticate("Bearer " + fx.agentKey), session, 2)
                .subscribe(sleeper);
        assertThat(watches.open()).isEqualTo(before + 1);
        // the session is empty: its first read sends caught_up alone (calls made before that read
        // would come first, as history)
        Eventually.until(() -> assertThat(got).singleElement().isInstanceOf(SessionWatches.CaughtUp.class));

        // at least one update per call: two are held, the third overflows
        for (int i = 0; i < 3; i++) {
            call("acme", "low", "slow-" + i);
        }
        Eventually.until(() -> assertThat(watches.open()).as("the watch stopped reading").isEqualTo(before));
        sleeper.request(Long.MAX_VALUE);

        Eventually.until(() -> assertThat(ended.get()).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED)));
        assertThat(got).hasSize(3).first().isInstanceOf(SessionWatches.CaughtUp.class);
        assertThat(got.subList(1, 3)).allMatch(u -> u instanceof SessionWatches.CallChanged);
    }

    @Test
    void aRevokedKey_endsItsWatch_unauthenticated() throws Exception {
        dev.toolgate.proto.v1.CreateApiKeyResponse key = fx.admin().createApiKey(dev.toolgate.proto.v1
                .CreateApiKeyRequest.newBuilder().setTenant(fx.tenant).setAgentId("agent-1").addScopes("tools:call")
                .build());
        Watch watch = watch(key.getApiKey());
        watch.next(SessionEvent::getCaughtUp);

        fx.admin().revokeApiKey(dev.toolgate.proto.v1.RevokeApiKeyRequest.newBuilder().setTenant(fx.tenant)
                .setKeyId(key.getKeyId()).build());

        Eventually.until(() -> assertThat(watch.error()).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED)));
    }

    @Test
    void watchSession_overHttp_isServerSentEvents_authenticatedWithTheApiKey() throws Exception {
        call("acme", "low", "c1");
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + http.getPort() + "/sessions/" + session + "/watch");
        HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<java.io.InputStream> stream = client.send(HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + fx.agentKey).build(),
                HttpResponse.BodyHandlers.ofInputStream());

        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
                if (line.equals("event:caught_up") || line.equals("event: caught_up")) {
                    break;
                }
            }
        }

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(String.join("\n", lines)).contains("\"call_id\":\"c1\"").contains("CALL_STATUS_SUCCEEDED")
                .contains("Opening a support case for acme").doesNotContain("tok_9");
    }

    private ExecuteToolResponse call(String customer, String priority, String callId) {
        return fx.agent().executeTool(ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId(callId)
                .setSessionId(session).setArgumentsJson("{\"customer_id\":\"" + customer
                        + "\",\"summary\":\"s\",\"priority\":\"" + priority + "\"}").build());
    }

    private Watch watch(String key) {
        Watch w = new Watch();
        Context.CancellableContext ctx = Context.current().withCancellation();
        w.context = ctx;
        ctx.run(() -> Clients.asyncTools(gateway.channel(), key).watchSession(WatchSessionRequest.newBuilder()
                .setSessionId(session).build(), w));
        return w;
    }

    /** A watch as a client sees it: every event, in order. */
    static final class Watch implements StreamObserver<SessionEvent> {
        private final BlockingQueue<SessionEvent> events = new LinkedBlockingQueue<>();
        private final List<SessionEvent> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile Throwable error;
        Context.CancellableContext context;

        @Override
        public void onNext(SessionEvent e) {
            all.add(e);
            events.add(e);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
        }

        /** The next event that matches, skipping the others (they stay in {@link #received()}). */
        SessionEvent next(java.util.function.Predicate<SessionEvent> wanted) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
            while (System.nanoTime() < until) {
                SessionEvent e = events.poll(1, TimeUnit.SECONDS);
                if (e != null && wanted.test(e)) {
                    return e;
                }
                if (error != null) {
                    throw new AssertionError("the watch failed", error);
                }
            }
            throw new AssertionError("no such event within " + PATIENCE_SECONDS + " s; received: " + received());
        }

        Throwable error() {
            return error;
        }

        List<SessionEvent> received() {
            synchronized (all) {
                return List.copyOf(all);
            }
        }

        List<String> callOrder() {
            return received().stream().filter(e -> !e.getCaughtUp()).map(e -> e.getCall().getCallId()).distinct()
                    .toList();
        }

        List<CallStatus> statusesOf(String callId) {
            return received().stream().filter(e -> e.getCall().getCallId().equals(callId))
                    .map(e -> e.getCall().getStatus()).toList();
        }

        void cancel() {
            context.cancel(null);
        }
    }
}
