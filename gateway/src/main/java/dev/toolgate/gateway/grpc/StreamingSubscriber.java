package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * Sends a {@link Flux} down a server-streaming call with gRPC's flow control: one item is requested
 * at a time, and the next only when the transport is ready for it, so a client that does not read
 * holds items back in the flux (where they are bounded), not in the transport. The client's cancel
 * (or deadline) cancels the flux; the flux's end ends the call, its error as the gateway's status.
 */
final class StreamingSubscriber<T> extends BaseSubscriber<T> {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingSubscriber.class);

    private final ServerCallStreamObserver<T> out;
    /** An item was sent while the transport was not ready: the next is requested when it is. */
    private final AtomicBoolean waiting = new AtomicBoolean();

    private StreamingSubscriber(ServerCallStreamObserver<T> out) {
        this.out = out;
    }

    /** Subscribes; call it on the call's thread, before the handler returns. */
    static <T> void subscribe(Flux<T> items, ServerCallStreamObserver<T> out) {
        requireNonNull(items, "items");
        StreamingSubscriber<T> s = new StreamingSubscriber<>(requireNonNull(out, "out"));
        out.setOnCancelHandler(s::dispose);
        out.setOnReadyHandler(s::ready);
        items.subscribe(s);
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        request(1);
    }

    @Override
    protected void hookOnNext(T item) {
        out.onNext(item);
        waiting.set(true);
        if (out.isReady() && waiting.compareAndSet(true, false)) {
            request(1);
        }
    }

    private void ready() {
        if (out.isReady() && waiting.compareAndSet(true, false)) {
            request(1);
        }
    }

    @Override
    protected void hookOnComplete() {
        if (!out.isCancelled()) {
            out.onCompleted();
        }
    }

    @Override
    protected void hookOnError(Throwable error) {
        if (out.isCancelled()) {
            return;
        }
        if (error instanceof GatewayException e) {
            out.onError(GrpcErrors.toStatus(e));
        } else {
            LOG.error("a stream failed", error);
            out.onError(Status.INTERNAL.withDescription("the stream failed; see the gateway's log").asRuntimeException());
        }
    }
}
