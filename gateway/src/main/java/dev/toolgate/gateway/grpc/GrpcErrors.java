package dev.toolgate.gateway.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The one mapping from {@link GatewayException} to a gRPC status with {@code google.rpc}
 * details: {@link ErrorInfo} always (reason, domain, metadata), {@link BadRequest} for invalid
 * arguments (every field violation).
 */
public final class GrpcErrors {
    public static final String DOMAIN = "toolgate.dev";

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(GatewayException e) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.code()).getNumber())
                .setMessage(message(e));
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(e.reason()).setDomain(DOMAIN)
                .putAllMetadata(e.metadata());
        if (!e.suggestions().isEmpty()) {
            info.putMetadata("did_you_mean", String.join(",", e.suggestions()));
        }
        status.addDetails(Any.pack(info.build()));
        e.retryAfter().ifPresent(after -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(after.toSeconds())
                        .setNanos(after.toNanosPart()))
                .build())));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder bad = BadRequest.newBuilder();
            for (FieldViolation v : e.violations()) {
                bad.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField(v.field()).setDescription(v.message()));
            }
            status.addDetails(Any.pack(bad.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    private static String message(GatewayException e) {
        if (e.suggestions().isEmpty()) {
            return e.getMessage();
        }
        return e.getMessage() + "; did you mean: " + String.join(", ", e.suggestions());
    }

    static Code code(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case UNAUTHENTICATED -> Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case ABORTED -> Code.ABORTED;
            case DEADLINE_EXCEEDED -> Code.DEADLINE_EXCEEDED;
            case UNAVAILABLE -> Code.UNAVAILABLE;
            case INTERNAL -> Code.INTERNAL;
        };
    }
}
