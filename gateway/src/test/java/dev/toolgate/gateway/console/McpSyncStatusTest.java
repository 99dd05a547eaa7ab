package dev.toolgate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.mcp.McpSyncLog;
import dev.toolgate.gateway.support.McpReferenceServer;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.PutMcpIntegrationRequest;
import dev.toolgate.proto.v1.SyncMcpIntegrationRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's integrations pages show each MCP integration's last sync: when it succeeded and with how
 * many tools, and why the latest attempt failed (keeping the last success) — against the MCP reference
 * server, stopped and started again.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpSyncStatusTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    EmbeddedServer http;

    @Inject
    McpSyncLog syncs;

    McpReferenceServer server;
    TenantFixture fx;
    String cookie;

    @BeforeAll
    void register() throws Exception {
        server = McpReferenceServer.start();
        fx = TenantFixture.create(channel, "http://127.0.0.1:9");
        fx.admin().putMcpIntegration(PutMcpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                .setName("everything").setUrl(server.url()).setDescription("MCP reference server").build());
        cookie = signIn(fx.agentKey);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void integrationsPage_showsTheLastSync_andAFailedOneWithTheLastSuccess() throws Exception {
        McpSyncLog.Status ok = syncs.find(fx.tenant, "everything").orElseThrow();
        assertThat(ok.error()).isEmpty();
        assertThat(ok.tools()).isPositive();
        assertThat(ok.succeededAt()).contains(ok.attemptedAt());
        // The server's own list_changed may trigger another sync at any time: the pages are compared with
        // the status as it is, not with a time read before.
        assertThat(page("/console/integrations")).contains("ok at ", ok.tools() + " tools").doesNotContain("failed at");
        assertThat(page("/console/integrations/everything")).contains("Last sync: ok at ");

        server.down();
        try {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, this::sync);
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            McpSyncLog.Status failed = syncs.find(fx.tenant, "everything").orElseThrow();
            assertThat(failed.error()).isNotEmpty();
            assertThat(failed.succeededAt()).isPresent();
            assertThat(failed.succeededAt().get()).isAfterOrEqualTo(ok.attemptedAt());
            assertThat(failed.tools()).isEqualTo(ok.tools());
            assertThat(page("/console/integrations")).contains("failed at ",
                    "(last ok at " + failed.succeededAt().get() + ")");
        } finally {
            server.up();
        }
        sync();
        McpSyncLog.Status again = syncs.find(fx.tenant, "everything").orElseThrow();
        assertThat(again.error()).isEmpty();
        assertThat(again.succeededAt()).contains(again.attemptedAt());
        assertThat(again.attemptedAt()).isAfter(ok.attemptedAt());
        assertThat(page("/console/integrations")).contains("ok at ").doesNotContain("failed at");
    }

    @Test
    void anotherTenant_neitherHasNorSeesTheSyncStatus() throws Exception {
        TenantFixture other = TenantFixture.create(channel, "http://127.0.0.1:9");
        other.lookupTool("get_item");
        assertThat(syncs.find(other.tenant, "everything")).isEmpty();
        String otherPage = pageAs(signIn(other.agentKey), "/console/integrations");
        assertThat(otherPage).doesNotContain("everything").doesNotContain("ok at");
    }

    private void sync() {
        fx.admin().syncMcpIntegration(SyncMcpIntegrationRequest.newBuilder().setTenant(fx.tenant)
                .setIntegration("everything").build());
    }

    private String page(String path) throws Exception {
        return pageAs(cookie, path);
    }

    private String pageAs(String session, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base().resolve(path))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    private String signIn(String key) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base().resolve("/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("api_key=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError(
                "no session cookie: " + r.statusCode() + " " + r.body()));
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + http.getPort());
    }
}
