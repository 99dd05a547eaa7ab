package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.error.GatewayException;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-method inbound size limits and a clear answer to undecodable requests. The transport's
 * {@code max-inbound-message-size} is one number for every method (it must fit the largest
 * import); this wraps each method's request marshaller, so a message over its method's limit
 * is refused from its length before a byte of it is parsed or copied (nothing of it reaches a
 * call record), and a message protobuf cannot decode — invalid UTF-8 in a string field, a
 * truncated field — is answered INVALID_ARGUMENT instead of UNKNOWN with a stack trace. The
 * marshaller hands such requests on as a refusal, which the wrapped handler answers by closing
 * the call; the endpoint never sees them.
 *
 * <p>Limits: {@code toolgate.grpc.max-import-bytes} for {@code AdminService/ImportOpenApi},
 * {@code toolgate.grpc.max-admin-request-bytes} for the rest of {@code AdminService}, and
 * {@code toolgate.grpc.max-request-bytes} for everything else ({@code ToolService}). Immutable
 * and thread-safe.
 */
@Singleton
public final class RequestLimits {
    static final String IMPORT_METHOD = "toolgate.v1.AdminService/ImportOpenApi";
    static final String ADMIN_SERVICE = "toolgate.v1.AdminService";

    private final int maxRequestBytes;
    private final int maxAdminRequestBytes;
    private final int maxImportBytes;

    public RequestLimits(GrpcLimitsProperties config) {
        this.maxRequestBytes = config.maxRequestBytes();
        this.maxAdminRequestBytes = config.maxAdminRequestBytes();
        this.maxImportBytes = config.maxImportBytes();
    }

    /** The largest request {@code fullMethodName} accepts, in bytes. */
    public int limitOf(String fullMethodName) {
        if (IMPORT_METHOD.equals(fullMethodName)) {
            return maxImportBytes;
        }
        if (ADMIN_SERVICE.equals(MethodDescriptor.extractFullServiceName(fullMethodName))) {
            return maxAdminRequestBytes;
        }
        return maxRequestBytes;
    }

    /** {@code service} with every method's requests checked as described above. */
    public ServerServiceDefinition apply(ServerServiceDefinition service) {
        ServiceDescriptor original = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> checked = checked(method);
            methods.add(checked);
            descriptor.addMethod(checked.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(out::addMethod);
        return out.build();
    }

    private <Q, R> ServerMethodDefinition<Object, R> checked(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> md = method.getMethodDescriptor();
        MethodDescriptor<Object, R> checked = md.toBuilder(
                new CheckedMarshaller<>(md.getRequestMarshaller(), limitOf(md.getFullMethodName()),
                        md.getFullMethodName()), md.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(checked, new RefusingHandler<>(method.getServerCallHandler()));
    }

    /** A request that was not handed to the endpoint, and the status that answers it. */
    private record Refusal(GatewayException reason) {
    }

    private static final class CheckedMarshaller<Q> implements MethodDescriptor.Marshaller<Object> {
        private final MethodDescriptor.Marshaller<Q> delegate;
        private final int limit;
        private final String method;

        CheckedMarshaller(MethodDescriptor.Marshaller<Q> delegate, int limit, String method) {
            this.delegate = delegate;
            this.limit = limit;
            this.method = method;
        }

        @Override
        public InputStream stream(Object value) {
            throw new UnsupportedOperationException("requests are only parsed on the server");
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object parse(InputStream stream) {
            try {
                InputStream body = stream;
                if (stream instanceof KnownLength) {
                    int size = stream.available();
                    if (size > limit) {
                        return tooLarge(size + " bytes");
                    }
                } else { // e.g. a compressed message: read at most one byte past the limit
                    byte[] bytes = stream.readNBytes(limit + 1);
                    if (bytes.length > limit) {
                        return tooLarge("more than " + limit + " bytes");
                    }
                    body = new ByteArrayInputStream(bytes);
                }
                return delegate.parse(body);
            } catch (StatusRuntimeException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return new Refusal(GatewayException.invalidArgument("request", "the request is not a valid "
                        + MethodDescriptor.extractBareMethodName(method) + " message (" + cause.getMessage()
                        + "); string fields must be valid UTF-8 — send it with a protobuf library"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Refusal tooLarge(String size) {
            return new Refusal(GatewayException.requestTooLarge("the request is " + size + "; "
                    + MethodDescriptor.extractBareMethodName(method) + " accepts at most " + limit + " bytes",
                    Map.of("limit_bytes", Integer.toString(limit))));
        }
    }

    private static final class RefusingHandler<Q, R> implements ServerCallHandler<Object, R> {
        private final ServerCallHandler<Q, R> delegate;

        RefusingHandler(ServerCallHandler<Q, R> delegate) {
            this.delegate = delegate;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public ServerCall.Listener<Object> startCall(ServerCall<Object, R> call, Metadata headers) {
            ServerCall.Listener<Q> inner = delegate.startCall((ServerCall<Q, R>) (ServerCall) call, headers);
            return new ServerCall.Listener<>() {
                private boolean refused;

                @Override
                public void onMessage(Object message) {
                    if (message instanceof Refusal r) {
                        refused = true;
                        StatusRuntimeException s = GrpcErrors.toStatus(r.reason());
                        call.close(s.getStatus(), s.getTrailers() == null ? new Metadata() : s.getTrailers());
                        return;
                    }
                    inner.onMessage((Q) message);
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        inner.onHalfClose();
                    }
                }

                @Override
                public void onCancel() {
                    inner.onCancel();
                }

                @Override
                public void onComplete() {
                    inner.onComplete();
                }

                @Override
                public void onReady() {
                    if (!refused) {
                        inner.onReady();
                    }
                }
            };
        }
    }
}
