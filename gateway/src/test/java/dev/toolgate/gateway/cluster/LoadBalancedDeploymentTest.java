package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import dev.toolgate.gateway.support.CallBurst;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.GatewayProcess;
import dev.toolgate.gateway.support.GitSyncSidecar;
import dev.toolgate.gateway.support.NginxBalancer;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.CallStatus;
import dev.toolgate.proto.v1.ConfirmToolCallRequest;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.GetToolRequest;
import dev.toolgate.proto.v1.ParamBinding;
import dev.toolgate.proto.v1.ParamLocation;
import dev.toolgate.proto.v1.ToolAnnotations;
import dev.toolgate.proto.v1.ToolCall;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import dev.toolgate.proto.v1.UpsertHttpToolRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The deployment the Helm chart makes, on this machine with real processes: three {@code toolgate serve}
 * processes on one PostgreSQL behind Debian's nginx (gRPC over cleartext HTTP/2, round robin per call), each
 * reading its policies from its own git-sync layout ({@link GitSyncSidecar}: a symlink swapped to a new
 * worktree per commit) synced from one Git repository. Shown: 10,000 calls from 50 callers spread over the
 * three (counted from each instance's {@code /metrics}); one call id sent through the balancer to every
 * instance executes once; a call held on one instance is approved on another; a rate limit of 100 a minute
 * holds for the three together (the overshoot is printed); a policy commit reaches every instance and a
 * broken commit is refused by every instance, each keeping its last good policy and saying so on
 * {@code /health}, {@code /metrics} and in its log. Figures are printed, never asserted as times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancedDeploymentTest {
    private static final int INSTANCES = 3;
    private static final int CALLERS = 50;
    private static final int CALLS = 10_000;
    private static final int LIMIT_PER_MINUTE = 100;
    private static final String ALL_POLICY = """
            rules:
              - id: approvals-for-interns
                effect: allow
                tools: ["desk.create_case"]
                agents: ["intern"]
                confirm: true
              - id: everything-else
                effect: allow
                tools: ["*"]
                agents: ["*"]
            rate_limits:
              - id: limited-per-tenant
                limit: %d/min
                per: tenant
                tools: ["items.limited"]
            """.formatted(LIMIT_PER_MINUTE);

    private final Path home = temp();
    private final Path work = home.resolve("policies-work");
    private final Path remote = home.resolve("policies.git");
    private final List<GitSyncSidecar> sidecars = new ArrayList<>();
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private final List<ManagedChannel> direct = new ArrayList<>();
    private NginxBalancer nginx;
    private ManagedChannel balanced;
    private TenantFixture fx;

    @BeforeAll
    void startThreeInstancesBehindNginx() throws Exception {
        GitSyncSidecar.git(home, "init", "-q", "--bare", remote.toString());
        GitSyncSidecar.git(home, "init", "-q", work.toString());
        commit("_all.yaml", ALL_POLICY, "shared rules");
        ExecutorService starting = Executors.newFixedThreadPool(INSTANCES);
        try {
            List<Future<GatewayProcess>> started = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                GitSyncSidecar sidecar = new GitSyncSidecar(home.resolve("pod-" + i), remote.toString(), "main");
                sidecar.sync();
                sidecars.add(sidecar);
                // a long check interval: only the file-system events of the link swap explain a quick reload
                started.add(starting.submit(() -> GatewayProcess.start(sidecar.link(), Map.of(
                        "TOOLGATE_POLICY_CHECK_INTERVAL", "10m", "TOOLGATE_DB_POOL_SIZE", "6"))));
            }
            for (Future<GatewayProcess> f : started) {
                gateways.add(f.get(Eventually.PATIENCE.toSeconds() * 2, TimeUnit.SECONDS));
            }
        } finally {
            starting.shutdownNow();
        }
        gateways.forEach(g -> direct.add(g.channel()));
        nginx = NginxBalancer.start(gateways.stream().map(GatewayProcess::grpcPort).toList());
        balanced = nginx.channel();
        fx = TenantFixture.create(balanced, nginx.upstreamUrl());
        fx.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(fx.tenant).setIntegration("desk")
                .setName("create_case").setDescription("Open a support case").setMethod("POST")
                .setPath("/cases/{customer_id}").setInputSchemaJson(TenantFixture.CASE_SCHEMA)
                .addParams(ParamBinding.newBuilder().setArgument("customer_id").setLocation(ParamLocation.PARAM_LOCATION_PATH))
                .build());
        addItemTools(fx, "get_item", "limited");
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (balanced != null) {
            balanced.shutdownNow();
        }
        direct.forEach(ManagedChannel::shutdownNow);
        Path logs = Files.createDirectories(Path.of("target", "load-balanced-deployment"));
        for (int i = 0; i < gateways.size(); i++) { // kept for reading after a failure
            gateways.get(i).close();
            Files.write(logs.resolve("instance-" + i + ".log"), gateways.get(i).output());
        }
        if (nginx != null) {
            Files.write(logs.resolve("nginx-access.log"), nginx.accessLog());
            Files.write(logs.resolve("nginx-upstream.log"), nginx.upstreamRequests());
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void tenThousandCallsFrom50Callers_throughNginx_areSpreadOverTheThreeInstances() throws Exception {
        List<Double> before = perInstance("toolgate_calls_total", fx.tenant, "items.get_item", "SUCCEEDED");
        AtomicInteger succeeded = new AtomicInteger();
        Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        long start = System.nanoTime();
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                callers.add(pool.submit(() -> {
                    ToolServiceGrpc.ToolServiceBlockingStub stub = Clients.tools(balanced, fx.agentKey);
                    for (int n = 0; n < CALLS / CALLERS; n++) {
                        try {
                            ExecuteToolResponse r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).executeTool(
                                    ExecuteToolRequest.newBuilder().setTool("items.get_item")
                                            .setArgumentsJson("{\"item_id\":\"i-" + caller + "-" + n + "\"}").build());
                            if (r.getStatus() == CallStatus.CALL_STATUS_SUCCEEDED) {
                                succeeded.incrementAndGet();
                            } else {
                                failed.computeIfAbsent(r.getStatus().name(), k -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (StatusRuntimeException e) {
                            failed.computeIfAbsent(e.getStatus().getCode().name(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : callers) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> counted = new ArrayList<>();
        Eventually.until(() -> { // each instance counts a call when it has answered it
            counted.clear();
            List<Double> after = perInstance("toolgate_calls_total", fx.tenant, "items.get_item", "SUCCEEDED");
            for (int i = 0; i < INSTANCES; i++) {
                counted.add(after.get(i) - before.get(i));
            }
            assertThat(counted.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo((double) CALLS);
        });
        System.out.printf("%,d calls from %d callers through nginx to %d instances in %.1f s (%.0f calls/s): %s per"
                + " instance (their /metrics); failed: %s%n", CALLS, CALLERS, INSTANCES, seconds, CALLS / seconds,
                counted.stream().map(d -> String.format("%,.0f", d)).toList(), failed);
        assertThat(failed).isEmpty();
        assertThat(succeeded.get()).isEqualTo(CALLS);
        assertThat(counted).allSatisfy(n -> assertThat(n).isGreaterThan(CALLS / INSTANCES / 2.0));
    }

    @Test
    void sameCallId_sentThroughNginxToEveryInstance_executesOnce() throws Exception {
        String callId = "once-" + UUID.randomUUID();
        String args = "{\"customer_id\":\"" + callId + "\",\"summary\":\"printer\",\"priority\":\"low\"}";
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        List<String> first = new ArrayList<>();
        try {
            List<Future<String>> sends = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) { // at once: round robin hands each to another instance
                sends.add(pool.submit(() -> outcome(labelled(Clients.tools(balanced, fx.agentKey), callId), callId, args)));
            }
            for (Future<String> f : sends) {
                first.add(f.get(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> again = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) { // afterwards each instance replays the one outcome
            Eventually.until(() -> assertThat(outcome(labelled(Clients.tools(balanced, fx.agentKey), callId), callId,
                    args)).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED.name()));
            again.add(CallStatus.CALL_STATUS_SUCCEEDED.name());
        }
        List<String> instances = nginx.instancesOf(callId);
        System.out.printf("one call id sent through nginx: at once %s, then %s; the instances nginx chose: %s%n",
                first, again, instances);

        assertThat(new HashSet<>(instances)).hasSize(INSTANCES);
        assertThat(sentUpstream(callId)).hasSize(1);
    }

    @Test
    void callHeldThroughOneInstance_isApprovedThroughAnother_andRunsOnce() {
        ToolServiceGrpc.ToolServiceBlockingStub intern = Clients.tools(balanced, fx.key("intern", "tools:call"));
        ToolServiceGrpc.ToolServiceBlockingStub lead = Clients.tools(balanced, fx.key("lead", "tools:confirm"));
        String callId = "held-" + UUID.randomUUID();
        ExecuteToolResponse held = labelled(intern, "hold-" + callId).executeTool(ExecuteToolRequest.newBuilder()
                .setTool("desk.create_case").setCallId(callId)
                .setArgumentsJson("{\"customer_id\":\"" + callId + "\",\"summary\":\"fax\",\"priority\":\"high\"}")
                .build());
        assertThat(held.getStatus()).isEqualTo(CallStatus.CALL_STATUS_PENDING_CONFIRMATION);

        ToolCall approved = labelled(lead, "approve-" + callId).confirmToolCall(ConfirmToolCallRequest.newBuilder()
                .setCallId(callId).setApprove(true).setReason("fine").build());

        List<String> heldOn = nginx.instancesOf("hold-" + callId);
        List<String> approvedOn = nginx.instancesOf("approve-" + callId);
        System.out.printf("held on %s, approved on %s%n", heldOn, approvedOn);
        assertThat(heldOn).hasSize(1);
        assertThat(approvedOn).hasSize(1).doesNotContainAnyElementsOf(heldOn);
        assertThat(approved.getStatus()).as("%s", approved).isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        assertThat(sentUpstream(callId)).hasSize(1);
    }

    @Test
    void rateLimitOf100AMinute_throughNginx_holdsForTheThreeInstancesTogether() throws Exception {
        int callsEach = 8; // 400 calls from 50 callers
        List<Double> before = perInstance("toolgate_calls_total", fx.tenant, "items.limited", "SUCCEEDED");
        CallBurst burst = CallBurst.run(CALLERS, callsEach, c -> Clients.tools(balanced, fx.agentKey),
                ExecuteToolRequest.newBuilder().setTool("items.limited").setArgumentsJson("{\"item_id\":\"i\"}").build());
        double seconds = burst.seconds();
        long refill = (long) Math.ceil(seconds * LIMIT_PER_MINUTE / 60.0);
        List<Double> byInstance = new ArrayList<>();
        Eventually.until(() -> {
            byInstance.clear();
            List<Double> after = perInstance("toolgate_calls_total", fx.tenant, "items.limited", "SUCCEEDED");
            for (int i = 0; i < INSTANCES; i++) {
                byInstance.add(after.get(i) - before.get(i));
            }
            assertThat(byInstance.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(burst.allowed());
        });
        System.out.printf("rate limit %d/min through nginx over %d instances: %d of %d calls allowed in %.2f s"
                + " (allowed per instance %s; refill in that time %d); overshoot beyond the limit + refill: %d;"
                + " refused: %s%n", LIMIT_PER_MINUTE, INSTANCES, burst.allowed(), CALLERS * callsEach, seconds,
                byInstance.stream().map(d -> String.format("%.0f", d)).toList(), refill,
                burst.allowed() - LIMIT_PER_MINUTE - refill, burst.refused());

        assertThat(burst.refused().keySet()).containsOnly(Status.Code.RESOURCE_EXHAUSTED.name());
        assertThat(burst.allowed()).isBetween(LIMIT_PER_MINUTE, (int) (LIMIT_PER_MINUTE + refill));
        assertThat(byInstance).allSatisfy(n -> assertThat(n).isPositive()); // each instance took from the one bucket
    }

    @Test
    void policyCommit_reachesEveryInstance_andABrokenCommit_isRefusedByEvery() throws Exception {
        TenantFixture other = TenantFixture.create(balanced, nginx.upstreamUrl());
        addItemTools(other, "get_item");
        String file = other.tenant + ".yaml";
        String closing = commit(file, """
                rules:
                  - id: items-closed
                    effect: deny
                    tools: ["items.get_item"]
                    agents: ["*"]
                    reason: "items are closed for the inventory"
                """, "close items for " + other.tenant);
        List<Long> reached = syncEachPodAndWait((i, ch) -> {
            assertThat(denial(ch, other)).containsEntry("rule_id", "items-closed")
                    .hasEntrySatisfying("policy_version", v -> assertThat(v).startsWith("git:" + closing.substring(0, 12)));
            assertThat(gateways.get(i).management("/health").getValue())
                    .contains("\"policy\":{\"status\":\"OK\",\"commit\":\"" + closing + "\"}");
        });
        System.out.println("commit " + closing.substring(0, 12) + " in force on each instance, ms after its sidecar"
                + " published it: " + reached);

        String broken = commit(file, """
                rules:
                  - id: items-for-some
                    effect: allow
                    tools: ["items.get_item"]
                    agents: ["*"]
                    when: args.item_id ==
                """, "a broken condition");
        syncEachPodAndWait((i, ch) -> {
            String health = gateways.get(i).management("/health").getValue();
            assertThat(health).contains("\"status\":\"REJECTED\",\"commit\":\"" + broken + "\"")
                    .contains("\"unit\":\"" + other.tenant + "\"").contains(file + ":");
            assertThat(gateways.get(i).management("/metrics").getValue()).contains("toolgate_policy_rejected_units 1.0");
            assertThat(gateways.get(i).output()).anyMatch(l -> l.contains("policy for tenant '" + other.tenant
                    + "' rejected, its previous policy stays in force"));
        });
        forEachInstance((i, ch) -> { // the last good policy stays in force, and the other tenant is untouched
            assertThat(denial(ch, other)).containsEntry("rule_id", "items-closed")
                    .hasEntrySatisfying("policy_version", v -> assertThat(v).startsWith("git:" + closing.substring(0, 12)));
            assertThat(Clients.tools(ch, fx.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("items.get_item").setArgumentsJson("{\"item_id\":\"i\"}").build()).getStatus())
                    .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        });

        String fixed = commit(file, """
                rules:
                  - id: items-for-some
                    effect: allow
                    tools: ["items.get_item"]
                    agents: ["*"]
                    when: args.item_id == "i"
                """, "the condition fixed");
        syncEachPodAndWait((i, ch) -> {
            assertThat(gateways.get(i).management("/health").getValue())
                    .contains("\"policy\":{\"status\":\"OK\",\"commit\":\"" + fixed + "\"}");
            assertThat(gateways.get(i).management("/metrics").getValue()).contains("toolgate_policy_rejected_units 0.0");
            assertThat(Clients.tools(ch, other.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("items.get_item").setArgumentsJson("{\"item_id\":\"i\"}").build()).getStatus())
                    .isEqualTo(CallStatus.CALL_STATUS_SUCCEEDED);
        });
    }

    /**
     * Syncs each pod's sidecar in turn, as each pod's git-sync does at its period, and waits until that pod's
     * instance passes {@code check}; per instance, the milliseconds from the sidecar's publication to then.
     */
    private List<Long> syncEachPodAndWait(InstanceCheck check) {
        List<Long> took = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            int instance = i;
            sidecars.get(i).sync();
            long published = System.nanoTime();
            Eventually.until(() -> check.check(instance, direct.get(instance)));
            took.add((System.nanoTime() - published) / 1_000_000);
        }
        return took;
    }

    private interface InstanceCheck {
        void check(int instance, ManagedChannel channel);
    }

    private void forEachInstance(InstanceCheck check) {
        for (int i = 0; i < INSTANCES; i++) {
            check.check(i, direct.get(i));
        }
    }

    /** The ErrorInfo metadata of the tenant's refused {@code items.get_item} call on this instance. */
    private static Map<String, String> denial(ManagedChannel channel, TenantFixture tenant) {
        try {
            ExecuteToolResponse r = Clients.tools(channel, tenant.agentKey).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("items.get_item").setArgumentsJson("{\"item_id\":\"i\"}").build());
            throw new AssertionError("the call was not refused: " + r.getStatus());
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            ErrorInfo info = Clients.errorInfo(e);
            return info.getMetadataMap();
        }
    }

    /** Commits one file to the policy repository and pushes it; the new commit. */
    private String commit(String file, String text, String message) throws IOException {
        Files.writeString(work.resolve(file), text);
        GitSyncSidecar.git(work, "add", "-A");
        GitSyncSidecar.git(work, "commit", "-q", "-m", message);
        GitSyncSidecar.git(work, "push", "-q", remote.toString(), "HEAD:main");
        return GitSyncSidecar.git(work, "rev-parse", "HEAD").strip();
    }

    /** An HTTP integration {@code items} on nginx's fixed answer, with read-only tools {@code items.<name>}. */
    private void addItemTools(TenantFixture tenant, String... names) {
        tenant.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder().setTenant(tenant.tenant)
                .setName("items").setBaseUrl(nginx.upstreamUrl()).build());
        for (String name : names) {
            tenant.admin().upsertHttpTool(UpsertHttpToolRequest.newBuilder().setTenant(tenant.tenant)
                    .setIntegration("items").setName(name).setDescription("Look up an item").setMethod("GET")
                    .setPath("/items/{item_id}")
                    .setInputSchemaJson("{\"type\":\"object\",\"properties\":{\"item_id\":{\"type\":\"string\"}},"
                            + "\"required\":[\"item_id\"]}")
                    .addParams(ParamBinding.newBuilder().setArgument("item_id")
                            .setLocation(ParamLocation.PARAM_LOCATION_PATH))
                    .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(true).setIdempotent(true)).build());
        }
        for (ManagedChannel ch : direct) { // every instance knows the tools before the load starts
            for (String name : names) {
                Eventually.until(() -> Clients.tools(ch, tenant.agentKey)
                        .getTool(GetToolRequest.newBuilder().setName("items." + name).build()));
            }
        }
    }

    /** The upstream's log lines of {@code POST /cases/<customerId>}: each one execution of a case call. */
    private List<String> sentUpstream(String customerId) {
        return nginx.upstreamRequests().stream().filter(l -> l.startsWith("POST /cases/" + customerId + " ")).toList();
    }

    /** Per instance, the sum of the metric's series for the tenant and tool with that outcome. */
    private List<Double> perInstance(String metric, String tenant, String tool, String outcome) {
        Pattern line = Pattern.compile("^" + metric + "\\{([^}]*)\\} (\\S+)$");
        List<Double> values = new ArrayList<>();
        for (GatewayProcess g : gateways) {
            Map.Entry<Integer, String> scrape = g.management("/metrics");
            assertThat(scrape.getKey()).as(scrape.getValue()).isEqualTo(200);
            double sum = 0;
            for (String l : scrape.getValue().split("\n")) {
                Matcher m = line.matcher(l);
                if (m.matches() && m.group(1).contains("tenant=\"" + tenant + "\"")
                        && m.group(1).contains("tool=\"" + tool + "\"") && m.group(1).contains("outcome=\"" + outcome + "\"")) {
                    sum += Double.parseDouble(m.group(2));
                }
            }
            values.add(sum);
        }
        return values;
    }

    private static String outcome(ToolServiceGrpc.ToolServiceBlockingStub stub, String callId, String args) {
        try {
            return stub.withDeadlineAfter(60, TimeUnit.SECONDS).executeTool(ExecuteToolRequest.newBuilder()
                    .setTool("desk.create_case").setCallId(callId).setArgumentsJson(args).build()).getStatus().name();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode().name();
        }
    }

    /** The stub with {@link NginxBalancer#LABEL_HEADER} set, so nginx's access log names its instance. */
    private static ToolServiceGrpc.ToolServiceBlockingStub labelled(ToolServiceGrpc.ToolServiceBlockingStub stub,
            String label) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(NginxBalancer.LABEL_HEADER, Metadata.ASCII_STRING_MARSHALLER), label);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("toolgate-deployment").toRealPath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
