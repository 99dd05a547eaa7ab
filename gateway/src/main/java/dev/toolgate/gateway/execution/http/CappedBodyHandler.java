package dev.toolgate.gateway.execution.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Collects a response body up to a byte cap, then stops reading (cancels the rest). */
final class CappedBodyHandler implements HttpResponse.BodyHandler<CappedBodyHandler.Body> {
    /** The collected bytes; {@code truncated} when the upstream sent more than the cap. */
    record Body(byte[] bytes, boolean truncated) {
    }

    private final int maxBytes;

    CappedBodyHandler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public HttpResponse.BodySubscriber<Body> apply(HttpResponse.ResponseInfo info) {
        return new Subscriber(maxBytes);
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<Body> {
        private final int maxBytes;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Subscriber(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                int room = maxBytes - out.size();
                int n = Math.min(room, b.remaining());
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
                if (b.hasRemaining()) {
                    result.complete(new Body(out.toByteArray(), true));
                    subscription.cancel();
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(out.toByteArray(), false));
        }
    }
}
