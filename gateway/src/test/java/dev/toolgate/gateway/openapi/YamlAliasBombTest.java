package dev.toolgate.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A YAML alias bomb (billion laughs) in an OpenAPI import (issue 21, finding 6): a few hundred
 * bytes of anchors and aliases expand to billions of nodes; the parsers used to expand them for
 * tens of seconds. The expansion is counted from the YAML events before any parser builds a tree.
 */
@MicronautTest
class YamlAliasBombTest {
    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void importOpenApi_aliasBomb_isInvalidArgumentBeforeExpansion() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");
        StringBuilder bomb = new StringBuilder("x-lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            bomb.append("x-lol").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            bomb.append("]\n");
        }
        String document = """
                openapi: 3.0.3
                info: {title: Bomb, version: '1'}
                servers: [{url: 'https://bomb.invalid'}]
                paths:
                  /ping:
                    get:
                      operationId: ping
                      summary: Ping.
                      responses: {'200': {description: ok}}
                """ + bomb;

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("bomb")
                        .setDocument(document).build()));

        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("aliases");
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("INVALID_ARGUMENT");
    }

    /**
     * A text opening with a brace is read as JSON, which has no aliases: the alias count is skipped
     * for it (it was a third of a 13 MB JSON document's parse), so a YAML flow mapping that hides a
     * bomb behind a brace must still be refused without expanding it — by the JSON reader.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void importOpenApi_flowStyleAliasBombOpeningWithBrace_isRefusedAsJsonWithoutExpansion() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");
        StringBuilder bomb = new StringBuilder("x-lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
        for (int i = 1; i <= 9; i++) {
            bomb.append(", x-lol").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            }
            bomb.append("]");
        }
        String document = "  {openapi: 3.0.3, info: {title: Bomb, version: '1'}, servers: [{url: 'https://bomb.invalid'}],"
                + " paths: {/ping: {get: {operationId: ping, summary: Ping., responses: {'200': {description: ok}}}}}, "
                + bomb + "}";

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("bomb")
                        .setDocument(document).build()));

        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("not valid JSON at line 1");
        assertThat(fx.agent().listTools(dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList())
                .noneMatch(t -> t.getName().startsWith("bomb."));
    }
}
