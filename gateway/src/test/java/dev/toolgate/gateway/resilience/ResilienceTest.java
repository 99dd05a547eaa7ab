package dev.toolgate.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.GatewayTenant;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.IntegrationResilience;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries of safe calls only, Retry-After, deadlines, the circuit breaker and the bulkhead —
 * against real upstreams on 127.0.0.1 that fail, stall and recover on cue.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResilienceTest implements TestPropertyProvider {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}";

    @RegisterExtension
    final GatewayTenant gateway = GatewayTenant.withUpstream();

    ManagedChannel channel;

    @Inject
    javax.sql.DataSource dataSource;

    TestUpstream upstream;
    TestUpstream other;
    TenantFixture fx;
    AdminServiceGrpc.AdminServiceBlockingStub admin;
    ToolServiceGrpc.ToolServiceBlockingStub agent;
    final AtomicInteger flaky = new AtomicInteger();
    volatile boolean healthy;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("toolgate.resilience.retry.max-attempts", "3",
                "toolgate.resilience.retry.initial-backoff", "50ms",
                "toolgate.resilience.retry.max-backoff", "1500ms",
                "toolgate.resilience.circuit.minimum-calls", "4",
                "toolgate.resilience.circuit.window-size", "4",
                "toolgate.resilience.circuit.open-duration", "1s",
                "toolgate.resilience.circuit.half-open-calls", "1",
                "toolgate.resilience.bulkhead.max-concurrent", "2");
    }

    @BeforeEach
    void setUp() throws IOException {
        flaky.set(0);
        healthy = false;
        channel = gateway.channel();
        upstream = gateway.upstream()
                .route("/flaky", r -> flaky.incrementAndGet() <= 2 ? Reply.json(503, "{\"error\":\"busy\"}")
                        : Reply.json(200, "{\"ok\":true}"))
                .route("/limited", r -> flaky.incrementAndGet() == 1
                        ? Reply.json(429, "{\"error\":\"slow down\"}").withHeader("Retry-After", "1")
                        : Reply.json(200, "{\"ok\":true}"))
                .route("/hang", r -> new Reply(200, "application/json", "{}", 3_000))
                .route("/broken", r -> healthy ? Reply.json(200, "{\"ok\":true}") : Reply.json(500, "{\"error\":\"down\"}"));
        other = TestUpstream.start().route("/fast", r -> Reply.json(200, "{\"fast\":true}"));
        fx = gateway.fixture();
        admin = fx.admin();
        admin.createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(fx.tenant).setName("other")
                .setBaseUrl(other.baseUrl()).build());
        tool("desk", "read_flaky", "GET", "/flaky", true, false);
        tool("desk", "write_flaky", "POST", "/flaky", false, false);
        tool("desk", "read_limited", "GET", "/limited", true, false);
        tool("desk", "read_hang", "GET", "/hang", true, false);
        tool("desk", "read_broken", "GET", "/broken", true, false);
        tool("other", "read_fast", "GET", "/fast", true, false);
        agent = fx.agent();
    }

    @AfterEach
    void tearDown() {
        other.close();
    }

    @Test
    void aReadOnlyToolSucceedsAfterRetries_aNonIdempotentPostIsNeverRetried() {
        ExecuteToolResponse read = call(agent, "desk.read_flaky");
        assertThat(read.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/flaky")).hasSize(3);

        flaky.set(0);
        ExecuteToolResponse write = call(agent, "desk.write_flaky");
        assertThat(write.getIsError()).isTrue();
        assertThat(write.getUpstreamStatus()).isEqualTo(503);
        assertThat(upstream.exchangesTo("/flaky")).hasSize(4); // one more: the POST went once
    }

    @Test
    void anUpstreamThatDeduplicatesByIdempotencyKey_letsTheGatewayRetryAPost() {
        admin.setIntegrationResilience(wrap(IntegrationResilience.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setIdempotencyKeyHeader("Idempotency-Key")));

        ExecuteToolResponse write = agent.executeTool(ExecuteToolRequest.newBuilder().setTool("desk.write_flaky")
                .setCallId("pay-1").setArgumentsJson("{}").build());

        assertThat(write.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(upstream.exchangesTo("/flaky")).hasSize(3)
                .allSatisfy(x -> assertThat(x.header("Idempotency-Key")).isEqualTo("pay-1"));
    }

    @Test
    void anIntegrationsOwnSettingsOverrideTheDefaults_andBadOnesAreRefused() {
        IntegrationResilience set = admin.setIntegrationResilience(wrap(IntegrationResilience.newBuilder()
                .setTenant(fx.tenant).setIntegration("desk").setMaxAttempts(1)));
        assertThat(set.getMaxAttempts()).isEqualTo(1);

        assertThat(call(agent, "desk.read_flaky").getUpstreamStatus()).isEqualTo(503);
        assertThat(upstream.exchangesTo("/flaky")).hasSize(1); // no retries for this integration now

        StatusRuntimeException bad = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.setIntegrationResilience(wrap(IntegrationResilience.newBuilder().setTenant(fx.tenant)
                        .setIntegration("desk").setIdempotencyKeyHeader("Authorization").setMaxConcurrent(-1))));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.violations(bad)).extracting(v -> v.getField())
                .containsExactlyInAnyOrder("max_concurrent", "idempotency_key_header");
        StatusRuntimeException missing = catchThrowableOfType(StatusRuntimeException.class, () ->
                admin.setIntegrationResilience(wrap(IntegrationResilience.newBuilder().setTenant(fx.tenant)
                        .setIntegration("nope"))));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void retryAfterIsHonoured() {
        ExecuteToolResponse r = call(agent, "desk.read_limited");

        assertThat(r.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        List<TestUpstream.Exchange> tries = upstream.exchangesTo("/limited");
        assertThat(tries).hasSize(2);
        assertThat(Duration.ofNanos(tries.get(1).receivedNanos() - tries.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void aHangingUpstreamEndsAtTheCallersDeadline() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.withDeadlineAfter(700, TimeUnit.MILLISECONDS).executeTool(request("desk.read_hang")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        // the gateway gave up too (the upstream would answer 200 after 3 s): the call is recorded as not succeeded
        Eventually.within(Duration.ofSeconds(30), () -> assertThat(new dev.toolgate.gateway.support.CallRows(dataSource)
                .calls(fx.tenant)).singleElement().satisfies(row -> assertThat(row.get("status"))
                        .isNotIn("SUCCEEDED", "RUNNING")));
    }

    @Test
    void cancellingTheGrpcCallCancelsTheUpstreamRequest() {
        io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
        context.run(() -> Clients.asyncTools(channel, fx.agentKey).executeTool(request("desk.read_hang"), ignoringAnswers()));
        Eventually.within(Duration.ofSeconds(2), () -> assertThat(upstream.exchangesTo("/hang")).hasSize(1));
        context.cancel(null);

        Eventually.within(Duration.ofSeconds(2), () -> assertThat(new dev.toolgate.gateway.support.CallRows(dataSource)
                .calls(fx.tenant)).singleElement().satisfies(row -> {
                    assertThat(row).containsEntry("status", "UPSTREAM_UNAVAILABLE");
                    assertThat((String) row.get("error")).contains("cancelled");
                })); // a reply that ran its 3 s would have made the row SUCCEEDED
    }

    @Test
    void aDeadlinePassingWhileTheStartRowWaits_doesNotBreakTheDatabaseConnection() throws Exception {
        try (java.sql.Connection locker = lockCallTable()) { // start rows wait until it commits
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> agent.withDeadlineAfter(400, TimeUnit.MILLISECONDS).executeTool(
                            request("desk.write_flaky").toBuilder().setCallId("late-start").build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            Thread.sleep(300); // the gateway saw the cancellation while its insert still waited
            locker.commit();
        }

        // the insert went through (an interrupt would have closed its socket: "store unreachable"),
        // then the call was released unsent because its deadline had passed
        Eventually.within(Duration.ofSeconds(5), () -> assertThat(new dev.toolgate.gateway.support.CallRows(dataSource)
                .calls(fx.tenant)).singleElement().satisfies(row -> {
                    assertThat(row).containsEntry("call_id", "late-start").containsEntry("status", "TIMEOUT");
                    assertThat((String) row.get("error")).contains("deadline passed before sending");
                }));
        assertThat(upstream.exchangesTo("/flaky")).isEmpty();
        assertThat(recorderAvailable()).isTrue();
        assertThat(call(agent, "desk.write_flaky").getUpstreamStatus()).isEqualTo(503); // served at once
    }

    @Test
    void aCallCancelledWhileItsStartRowWaits_isNeverSent() throws Exception {
        try (java.sql.Connection locker = lockCallTable()) { // start rows wait until it commits
            io.grpc.Context.CancellableContext context = io.grpc.Context.current().withCancellation();
            context.run(() -> Clients.asyncTools(channel, fx.agentKey).executeTool(
                    request("desk.write_flaky").toBuilder().setCallId("gone-early").build(), ignoringAnswers()));
            Eventually.until(() -> assertThat(new dev.toolgate.gateway.support.CallRows(dataSource)
                    .waitingForTheCallTable()).isPositive()); // the call is waiting for its start row
            context.cancel(null);
            Thread.sleep(200); // the cancellation reaches the server's context: no event the test can observe
            locker.commit();
        }

        Eventually.within(Duration.ofSeconds(5), () -> assertThat(new dev.toolgate.gateway.support.CallRows(dataSource)
                .calls(fx.tenant)).singleElement().satisfies(row -> {
                    assertThat(row).containsEntry("call_id", "gone-early").containsEntry("status", "TIMEOUT");
                    assertThat((String) row.get("error")).contains("not sent").contains("cancelled");
                    assertThat(row.get("execution_key")).isNull(); // the call id is free again
                }));
        assertThat(upstream.exchangesTo("/flaky")).isEmpty();
        assertThat(recorderAvailable()).isTrue();
    }

    @Inject
    dev.toolgate.observability.RecorderStats recorder;

    /** A transaction holding tool_calls so that no row can be inserted until it commits. */
    private java.sql.Connection lockCallTable() throws java.sql.SQLException {
        // the audit writer must not be caught behind the lock holding a connection of the small pool with
        // records of earlier calls (it collects them for toolgate.calls.batch-window before writing)
        assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
        java.sql.Connection locker = io.micronaut.data.connection.jdbc.advice.DelegatingDataSource
                .unwrapDataSource(dataSource).getConnection();
        locker.setAutoCommit(false);
        locker.createStatement().execute("LOCK TABLE tool_calls IN EXCLUSIVE MODE");
        return locker;
    }

    private static io.grpc.stub.StreamObserver<ExecuteToolResponse> ignoringAnswers() {
        return new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(ExecuteToolResponse value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private boolean recorderAvailable() {
        return recorder.storeAvailable();
    }

    @Test
    void aFailingUpstreamOpensTheCircuit_whichFailsFast_thenClosesWhenItRecovers() throws Exception {
        for (int i = 0; i < 4; i++) { // the window: 4 calls, all failed
            assertThat(call(agent, "desk.read_broken").getUpstreamStatus()).isEqualTo(500);
        }
        int sent = upstream.exchangesTo("/broken").size();
        StatusRuntimeException open = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.executeTool(request("desk.read_broken")));

        assertThat(open.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Clients.errorInfo(open).getReason()).isEqualTo("CIRCUIT_OPEN");
        assertThat(open.getStatus().getDescription()).contains("'desk'").contains("try again later");
        assertThat(upstream.exchangesTo("/broken")).hasSize(sent); // nothing reached the upstream
        assertThat(call(agent, "other.read_fast").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);

        healthy = true;
        Eventually.within(Duration.ofSeconds(5), () -> {
            try {
                assertThat(call(agent, "desk.read_broken").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
            } catch (StatusRuntimeException stillOpen) {
                throw new AssertionError(stillOpen.getStatus());
            }
        });
        assertThat(call(agent, "desk.read_broken").getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
    }

    @Test
    void aFullBulkheadOnOneIntegrationDoesNotSlowAnother() throws Exception {
        List<CompletableFuture<Status.Code>> hanging = new ArrayList<>();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        for (int i = 0; i < 2; i++) {
            hanging.add(CompletableFuture.supplyAsync(() -> {
                try {
                    agent.withDeadlineAfter(2500, TimeUnit.MILLISECONDS).executeTool(request("desk.read_hang"));
                    return Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode();
                }
            }, callers));
        }
        callers.shutdown();
        Eventually.within(Duration.ofSeconds(2), () -> assertThat(upstream.exchangesTo("/hang")).hasSize(2));

        StatusRuntimeException full = catchThrowableOfType(StatusRuntimeException.class,
                () -> agent.executeTool(request("desk.read_hang")));
        ExecuteToolResponse fast = call(agent, "other.read_fast");
        assertThat(hanging).noneMatch(CompletableFuture::isDone); // it did not wait for desk's bulkhead to drain

        assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Clients.errorInfo(full).getReason()).isEqualTo("BULKHEAD_FULL");
        assertThat(upstream.exchangesTo("/hang")).hasSize(2);
        assertThat(fast.getStatus()).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        for (CompletableFuture<Status.Code> h : hanging) {
            assertThat(h.get(10, TimeUnit.SECONDS)).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        }
    }

    private void tool(String integration, String name, String method, String path, boolean readOnly,
            boolean idempotent) {
        admin.upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration(integration)
                .setName(name).setDescription("Test " + name).setMethod(method).setPath(path)
                .setInputSchemaJson(SCHEMA)
                .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(readOnly).setIdempotent(idempotent))
                .build());
    }

    private static dev.toolgate.proto.v1.SetIntegrationResilienceRequest wrap(IntegrationResilience.Builder r) {
        return dev.toolgate.proto.v1.SetIntegrationResilienceRequest.newBuilder().setResilience(r).build();
    }

    private static ExecuteToolRequest request(String tool) {
        return ExecuteToolRequest.newBuilder().setTool(tool).setArgumentsJson("{}").build();
    }

    private static ExecuteToolResponse call(ToolServiceGrpc.ToolServiceBlockingStub stub, String tool) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).executeTool(request(tool));
    }
}
