package dev.toolgate.gateway.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.gateway.support.TestUpstream;
import dev.toolgate.gateway.support.TestUpstream.Reply;
import dev.toolgate.proto.v1.BearerAuth;
import dev.toolgate.proto.v1.CreateHttpIntegrationRequest;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.HttpAuth;
import dev.toolgate.proto.v1.Integration;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.PutSecretResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The bearer token must appear nowhere but in the upstream request. */
@MicronautTest
class SecretLeakTest {
    private static final String VALID = "{\"customer_id\":\"acme\",\"summary\":\"x\",\"priority\":\"low\"}";
    private static final List<String> TABLES = List.of("tenants", "api_keys", "secrets", "integrations", "tools",
            "tool_versions", "tool_calls");

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Test
    void bearerToken_appearsInNoResponseErrorLogLineOrColumn() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        ch.qos.logback.classic.Level rootLevel = root.getLevel();
        Logger data = (Logger) LoggerFactory.getLogger("io.micronaut.data");
        Logger micronaut = (Logger) LoggerFactory.getLogger("io.micronaut");
        ch.qos.logback.classic.Level micronautLevel = micronaut.getLevel();
        // the most talkative setting a operator might pick: SQL parameters included
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        micronaut.setLevel(ch.qos.logback.classic.Level.DEBUG);
        data.setLevel(ch.qos.logback.classic.Level.TRACE);
        List<String> seenByClient = new ArrayList<>();
        String token;
        try (TestUpstream upstream = TestUpstream.start()
                .route("/cases", r -> Reply.json(201, "{\"case_id\":\"C-1\"}"))
                .route("/broken", r -> Reply.json(500, "{\"error\":\"boom\"}"))
                .route("/slow", r -> new Reply(200, "application/json", "{}", 2_000))) {
            TenantFixture fx = TenantFixture.create(channel, upstream.baseUrl());
            token = fx.token;

            PutSecretResponse put = fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant)
                    .setName("desk_token").setValue(token).build());
            seenByClient.add(put.toString());
            Integration integration = fx.admin().createHttpIntegration(CreateHttpIntegrationRequest.newBuilder()
                    .setTenant(fx.tenant).setName("desk").setBaseUrl(upstream.baseUrl())
                    .setAuth(HttpAuth.newBuilder().setBearer(BearerAuth.newBuilder().setSecret("desk_token"))).build());
            seenByClient.add(integration.toString());

            for (String path : List.of("/cases", "/broken", "/slow")) {
                fx.createCaseTool(path, 300);
                try {
                    ExecuteToolResponse r = fx.agent().executeTool(ExecuteToolRequest
                            .newBuilder().setTool("desk.create_case").setArgumentsJson(VALID).build());
                    seenByClient.add(r.toString());
                } catch (StatusRuntimeException e) {
                    seenByClient.add(e.getStatus() + " " + e.getTrailers());
                }
            }
            assertThat(upstream.exchangesTo("/cases").get(0).header("Authorization")).isEqualTo("Bearer " + token);
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
            micronaut.setLevel(micronautLevel);
            data.setLevel(null);
        }

        assertThat(seenByClient).isNotEmpty().allSatisfy(text -> assertThat(text).doesNotContain(token));
        assertThat(logs.list).isNotEmpty().allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(token);
            if (event.getThrowableProxy() != null) {
                assertThat(ThrowableProxyUtil.asString(event.getThrowableProxy())).doesNotContain(token);
            }
        });
        CallRows rows = new CallRows(dataSource);
        for (String table : TABLES) {
            for (Map<String, Object> row : rows.query("SELECT * FROM " + table)) {
                row.forEach((column, value) -> assertThat(String.valueOf(value)).as(table + "." + column)
                        .doesNotContain(token));
            }
        }
    }
}
