package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.StorageFailures;
import dev.toolgate.gateway.error.GatewayException;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's error model: a {@link GatewayException} thrown by an endpoint becomes its rich
 * status; anything else becomes INTERNAL with a reference id that is logged with the stack
 * trace (the client never sees internals).
 */
@Singleton
public class ErrorInterceptor implements ServerInterceptor, Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorInterceptor.class);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        OnceClosingCall<Q, R> guarded = new OnceClosingCall<>(call);
        ServerCall.Listener<Q> delegate = next.startCall(guarded, headers);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                run(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                run(super::onHalfClose);
            }

            private void run(Runnable r) {
                try {
                    r.run();
                } catch (GatewayException e) {
                    StatusRuntimeException s = GrpcErrors.toStatus(e);
                    guarded.closeOnce(s.getStatus(), s.getTrailers());
                } catch (StatusRuntimeException e) {
                    guarded.closeOnce(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
                } catch (RuntimeException e) {
                    StatusRuntimeException s = GrpcErrors.toStatus(classify(e, call.getMethodDescriptor().getFullMethodName()));
                    guarded.closeOnce(s.getStatus(), s.getTrailers());
                }
            }
        };
    }

    /** Turns an unexpected exception into the gateway's error model, logging what the client must not see. */
    private static GatewayException classify(RuntimeException e, String method) {
        String ref = Identifiers.newId("err");
        if (StorageFailures.isConstraintViolation(e)) {
            LOG.warn("conflicting concurrent change {} in {}: {}", ref, method, e.getMessage());
            return GatewayException.aborted("CONCURRENT_CHANGE",
                    "a concurrent change to the same object won; retry the request");
        }
        if (StorageFailures.isStorageFailure(e)) {
            LOG.error("storage unavailable {} in {}", ref, method, e);
            return GatewayException.unavailable("STORAGE_UNAVAILABLE",
                    "storage is unavailable, retry later (reference " + ref + ")", ref);
        }
        LOG.error("internal error {} in {}", ref, method, e);
        return GatewayException.internal("INTERNAL", "internal error, reference " + ref, ref);
    }

    @Override
    public int getOrder() {
        return 200;
    }

    private static final class OnceClosingCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final AtomicBoolean closed = new AtomicBoolean();

        OnceClosingCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closeOnce(status, trailers);
        }

        void closeOnce(Status status, Metadata trailers) {
            if (closed.compareAndSet(false, true)) {
                super.close(status, trailers);
            }
        }
    }
}
