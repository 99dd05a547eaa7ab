package dev.toolgate.gateway.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.Eventually;
import dev.toolgate.gateway.support.Ports;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a tool's host name resolves to an allowed address when the egress check runs and
 * to a forbidden one when the HTTP client connects. The name is served by the system's own
 * resolver from {@code /etc/hosts}, which this test rewrites (it needs to be allowed to: root, as
 * in CI; else it is skipped). It runs in its own JVM (surefire execution {@code dns-rebinding})
 * with the JVM's name cache off ({@code -Dsun.net.inetaddr.ttl=0}, as deployments that want fast
 * DNS failover set it). The gap between check and connect is held open deterministically: the
 * call's start row waits on a lock on {@code tool_calls}.
 */
class DnsRebindingTest {
    private static final String HOST = "rebind.toolgate.test";
    private static final Path HOSTS = Path.of("/etc/hosts");

    @Test
    void aNameThatResolvesElsewhereAfterTheCheck_isConnectedToTheCheckedAddress() throws Exception {
        assumeTrue("0".equals(System.getProperty("sun.net.inetaddr.ttl")), "runs in the dns-rebinding execution");
        assumeTrue(Files.isWritable(HOSTS), "needs to rewrite /etc/hosts");
        String original = Files.readString(HOSTS);
        int port = Ports.free();
        writeHosts(original, "127.0.0.2");
        try (TestUpstream allowed = TestUpstream.startOn(InetAddress.getByName("127.0.0.2"), port)
                     .route("/cases", r -> Reply.json(201, "{\"at\":\"allowed\"}"));
             TestUpstream forbidden = TestUpstream.startOn(InetAddress.getByName("127.0.0.3"), port)
                     .route("/cases", r -> Reply.json(201, "{\"at\":\"forbidden\"}"));
             ApplicationContext ctx = ApplicationContext.run(Map.of(
                     "grpc.server.port", 0,
                     "toolgate.egress.allow", "127.0.0.2"), "test")) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1",
                    ctx.getBean(GrpcEmbeddedServer.class).getPort(), InsecureChannelCredentials.create()).build();
            try {
                TenantFixture fx = TenantFixture.create(channel, "http://" + HOST + ":" + port);
                fx.createCaseTool("/cases", 5_000);
                DataSource db = DelegatingDataSource.unwrapDataSource(ctx.getBean(DataSource.class));

                CompletableFuture<ExecuteToolResponse> call;
                ExecutorService caller = Executors.newSingleThreadExecutor();
                try (Connection locker = db.getConnection()) {
                    locker.setAutoCommit(false);
                    locker.createStatement().execute("LOCK TABLE tool_calls IN EXCLUSIVE MODE");
                    // its own thread: the common pool may be needed by the gateway's HTTP client in this JVM
                    call = CompletableFuture.supplyAsync(() -> fx.agent().executeTool(
                            ExecuteToolRequest.newBuilder().setTool("desk.create_case").setCallId("rebind-1")
                                    .setArgumentsJson("{\"customer_id\":\"a\",\"summary\":\"b\",\"priority\":\"low\"}")
                                    .build()), caller);
                    // checked and waiting for its start row: now the name moves to the forbidden address
                    Eventually.within(Duration.ofSeconds(10), () -> assertThat(waitingOnCallTable(db)).isPositive());
                    writeHosts(original, "127.0.0.3");
                    assertThat(InetAddress.getAllByName("other." + HOST)).extracting(InetAddress::getHostAddress)
                            .containsExactly("127.0.0.3"); // the system resolver now says 127.0.0.3
                    locker.commit();
                }

                ExecuteToolResponse r = call.get(20, TimeUnit.SECONDS);
                assertThat(r.getResultJson()).contains("allowed");
                assertThat(forbidden.exchanges()).isEmpty();
                assertThat(allowed.exchanges()).hasSize(1);
                caller.shutdown();
            } finally {
                channel.shutdownNow();
            }
        } finally {
            Files.writeString(HOSTS, original);
        }
    }

    private static long waitingOnCallTable(DataSource db) {
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'tool_calls'::regclass")) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** /etc/hosts as it was, plus the test names pointing at {@code address} (written in place: it may be a mount). */
    private static void writeHosts(String original, String address) throws Exception {
        Files.writeString(HOSTS, original + (original.endsWith("\n") ? "" : "\n")
                + address + " " + HOST + " other." + HOST + "\n");
    }
}
