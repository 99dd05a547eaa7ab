package dev.toolgate.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.support.CallRows;
import dev.toolgate.gateway.support.Clients;
import dev.toolgate.gateway.support.TenantFixture;
import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ExecuteToolResponse;
import dev.toolgate.proto.v1.ImportOpenApiRequest;
import dev.toolgate.proto.v1.ImportOpenApiResponse;
import dev.toolgate.proto.v1.PutSecretRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micronaut.grpc.annotation.GrpcChannel;
import io.micronaut.grpc.server.GrpcServerChannel;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Inbound size per method and undecodable requests (issue 21, findings 3 and 6): every RPC used
 * to accept 40 MiB, and invalid UTF-8 in a string field was answered UNKNOWN with a stack trace.
 */
@MicronautTest
class RequestLimitsTest {
    private static final int MIB = 1024 * 1024;

    @Inject
    @GrpcChannel(GrpcServerChannel.NAME)
    ManagedChannel channel;

    @Inject
    DataSource dataSource;

    @Test
    void executeTool_twoMebibyteRequest_isRefusedRequestTooLargeAndNoCallIsRecorded() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");
        fx.createCaseTool("/cases", 2_000);
        String huge = "{\"customer_id\":\"" + "x".repeat(2 * MIB) + "\",\"summary\":\"b\",\"priority\":\"low\"}";

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
                fx.agent().executeTool(ExecuteToolRequest.newBuilder()
                        .setTool("desk.create_case").setCallId("huge-1").setArgumentsJson(huge).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(e.getStatus().getDescription()).contains("ExecuteTool accepts at most 1048576 bytes");
        assertThat(new CallRows(dataSource).query("SELECT call_id FROM tool_calls WHERE tenant_id = ?", fx.tenant))
                .isEmpty();
    }

    @Test
    void putSecret_overTheAdminLimit_isRefusedRequestTooLarge() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> fx.admin()
                .putSecret(PutSecretRequest.newBuilder().setTenant(fx.tenant).setName("big")
                        .setValue("v".repeat(5 * MIB)).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("REQUEST_TOO_LARGE");
        assertThat(Clients.errorInfo(e).getMetadataMap()).containsEntry("limit_bytes", Integer.toString(4 * MIB));
    }

    @Test
    void importOpenApi_documentLargerThanTheAdminLimit_isImported() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");
        String padding = ("# " + "padding ".repeat(12) + "\n").repeat(6 * MIB / 100);
        String document = """
                openapi: 3.0.3
                info: {title: Big, version: '1'}
                servers: [{url: 'https://big.invalid'}]
                paths:
                  /ping:
                    get:
                      operationId: ping
                      summary: Ping.
                      responses: {'200': {description: ok}}
                """ + padding;
        assertThat(document.length()).isGreaterThan(5 * MIB);

        ImportOpenApiResponse imported = fx.admin().importOpenApi(ImportOpenApiRequest.newBuilder()
                .setTenant(fx.tenant).setIntegration("big").setDocument(document).build());

        assertThat(imported.getAddedList()).containsExactly("big.ping");
    }

    @Test
    void executeTool_invalidUtf8InAStringField_isInvalidArgumentSayingSo() {
        TenantFixture fx = TenantFixture.create(channel, "https://desk.invalid");
        MethodDescriptor<byte[], ExecuteToolResponse> raw = ToolServiceGrpc.getExecuteToolMethod()
                .toBuilder(new RawBytes(), ProtoUtils.marshaller(ExecuteToolResponse.getDefaultInstance())).build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + fx.agentKey);
        // field 1 (tool), length 3: 'd', then 0xC3 0x28 — not UTF-8
        byte[] request = {0x0a, 0x03, 'd', (byte) 0xC3, 0x28};

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> ClientCalls
                .blockingUnaryCall(ClientInterceptors.intercept(channel,
                        MetadataUtils.newAttachHeadersInterceptor(headers)), raw, CallOptions.DEFAULT, request));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Clients.errorInfo(e).getReason()).isEqualTo("INVALID_ARGUMENT");
        assertThat(e.getStatus().getDescription()).contains("not a valid ExecuteTool message").contains("UTF-8");
    }

    /** Sends hand-made bytes as the request message. */
    private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
