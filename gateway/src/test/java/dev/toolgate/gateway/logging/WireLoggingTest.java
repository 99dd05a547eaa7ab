package dev.toolgate.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ListToolsRequest;
import dev.toolgate.proto.v1.PutSecretRequest;
import io.grpc.ManagedChannel;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The attack: an operator turns every logger up to TRACE; gRPC/Netty frame logging must still
 * print neither the bearer API keys of the calls nor the value carried by a {@code PutSecret}
 * frame (as text or as the hex dump of the frame).
 */
@MicronautTest
class WireLoggingTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Test
    void traceEverywhere_logsNoApiKeyAndNoSecretValue() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger micronaut = (Logger) LoggerFactory.getLogger("io.micronaut");
        Level rootLevel = root.getLevel();
        Level micronautLevel = micronaut.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.TRACE);
        micronaut.setLevel(Level.TRACE);
        String secret = "s3cr3t-" + UUID.randomUUID();
        TenantFixture fx;
        try {
            fx = TenantFixture.create(channel, "http://127.0.0.1:9");
            fx.admin().putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("wire_secret")
                    .setValue(secret).build());
            fx.agent().listTools(ListToolsRequest.getDefaultInstance());
        } finally {
            root.detachAppender(logs);
            root.setLevel(rootLevel);
            micronaut.setLevel(micronautLevel);
        }

        List<String> forbidden = List.of(fx.agentKey, Clients.BOOTSTRAP_ADMIN_KEY, secret, fx.token,
                HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)),
                HexFormat.of().formatHex(secret.substring(0, 12).getBytes(StandardCharsets.UTF_8)));
        assertThat(logs.list).isNotEmpty().allSatisfy(event -> {
            String text = event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            for (String value : forbidden) {
                assertThat(text).as("log line of %s", event.getLoggerName()).doesNotContain(value);
            }
        });
    }
}
