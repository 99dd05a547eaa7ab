package dev.toolgate.gateway.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.List;

/** Stubs with credentials, and readers of rich error details. */
public final class Clients {
    public static final String BOOTSTRAP_ADMIN_KEY = "tg_test_bootstrap_admin_key_0123456789";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private Clients() {
    }

    public static ToolServiceGrpc.ToolServiceBlockingStub tools(Channel channel, String key) {
        return ToolServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(key));
    }

    public static AdminServiceGrpc.AdminServiceBlockingStub admin(Channel channel, String key) {
        return AdminServiceGrpc.newBlockingStub(channel).withInterceptors(bearer(key));
    }

    public static AdminServiceGrpc.AdminServiceBlockingStub bootstrapAdmin(Channel channel) {
        return admin(channel, BOOTSTRAP_ADMIN_KEY);
    }

    /** An async stub with the key, for calls a test cancels. */
    public static ToolServiceGrpc.ToolServiceStub asyncTools(Channel channel, String key) {
        return ToolServiceGrpc.newStub(channel).withInterceptors(bearer(key));
    }

    private static io.grpc.ClientInterceptor bearer(String key) {
        Metadata headers = new Metadata();
        if (key != null) {
            headers.put(AUTHORIZATION, "Bearer " + key);
        }
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    public static List<BadRequest.FieldViolation> violations(StatusRuntimeException e) {
        return detail(e, BadRequest.class).map(BadRequest::getFieldViolationsList).orElse(List.of());
    }

    public static ErrorInfo errorInfo(StatusRuntimeException e) {
        return detail(e, ErrorInfo.class).orElseThrow(() -> new AssertionError("no ErrorInfo in " + e));
    }

    private static <T extends com.google.protobuf.Message> java.util.Optional<T> detail(StatusRuntimeException e,
            Class<T> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return java.util.Optional.empty();
        }
        for (com.google.protobuf.Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return java.util.Optional.of(any.unpack(type));
                } catch (InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        return java.util.Optional.empty();
    }
}
