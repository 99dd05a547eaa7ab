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
        String bomb = String.join("\n", laughs()) + "\n";
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

        StatusRuntimeException e = refusedImport(fx, document);

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
        String bomb = String.join(", ", laughs());
        String document = "  {openapi: 3.0.3, info: {title: Bomb, version: '1'}, servers: [{url: 'https://bomb.invalid'}],"
                + " paths: {/ping: {get: {operationId: ping, summary: Ping., responses: {'200': {description: ok}}}}}, "
                + bomb + "}";

        StatusRuntimeException e = refusedImport(fx, document);

        assertThat(e.getStatus().getDescription()).contains("not valid JSON at line 1");
        assertThat(fx.agent().listTools(dev.toolgate.proto.v1.ListToolsRequest.getDefaultInstance()).getToolsList())
                .noneMatch(t -> t.getName().startsWith("bomb."));
    }

    /** Ten anchored lists, each holding nine aliases of the one before: 9^10 nodes once expanded. */
    private static java.util.List<String> laughs() {
        java.util.List<String> entries = new java.util.ArrayList<>();
        entries.add("x-lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]");
        for (int i = 1; i <= 9; i++) {
            entries.add("x-lol" + i + ": &l" + i + " [" + String.join(", ", java.util.Collections.nCopies(9,
                    "*l" + (i - 1))) + "]");
        }
        return entries;
    }

    /** Imports the document as integration {@code bomb}; the refusal, which must be INVALID_ARGUMENT. */
    private static StatusRuntimeException refusedImport(TenantFixture fx, String document) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .importOpenApi(ImportOpenApiRequest.newBuilder().setTenant(fx.tenant).setIntegration("bomb")
                        .setDocument(document).build()));
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return e;
    }
}
