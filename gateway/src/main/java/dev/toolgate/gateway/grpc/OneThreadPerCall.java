package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each RPC on one thread of {@code threads} (a virtual thread per task) from the start of its
 * interceptors to the handler's return, with the server on a direct executor; the outermost
 * interceptor. Left to gRPC's own executor, a unary call started three threads or more: one for
 * its start, one for its message and half-close when they came after the start had ended, one
 * for its completion once the answer was written (2.8 per call measured, docs/benchmarks.md).
 *
 * <p>For a method whose client sends one message (unary, server streaming), the request is read
 * on the event loop and held until the client half-closes; then one thread starts the call (the
 * other interceptors, authentication among them) and delivers the message and the half-close. An
 * RPC cancelled before that never starts. For a unary call, what reaches the listener after the
 * thread is done (ready, complete, cancel: gRPC's bookkeeping, no application code) runs on the
 * event loop. Anything else, and every event of a streaming client, is delivered in order on a
 * thread as gRPC's serializing executor did. Events never run concurrently.
 */
final class OneThreadPerCall implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(OneThreadPerCall.class);

    private final Executor threads;

    OneThreadPerCall(Executor threads) {
        this.threads = requireNonNull(threads, "threads");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        MethodDescriptor.MethodType type = call.getMethodDescriptor().getType();
        Deferred<Q, R> deferred = new Deferred<>(call, headers, next, Context.current(), threads,
                type == MethodDescriptor.MethodType.UNARY);
        if (type.clientSendsOneMessage()) {
            call.request(1); // the one request is read now; the call starts once the client half-closed
        } else {
            deferred.start();
        }
        return deferred;
    }

    /** The listener gRPC sees: holds events until the call starts, then serializes them onto the call's thread. */
    private static final class Deferred<Q, R> extends ServerCall.Listener<Q> {
        private final ServerCall<Q, R> call;
        private final Metadata headers;
        private final ServerCallHandler<Q, R> next;
        private final Context context;
        private final Executor threads;
        private final boolean unary;
        private final ArrayDeque<Consumer<ServerCall.Listener<Q>>> pending = new ArrayDeque<>(4);

        /** Guarded by {@code this}: the call was started, a thread (or the loop) is delivering, the call failed. */
        private boolean started;
        private boolean delivering;
        private boolean dead;
        /** Set once, by the first delivering thread, before any event reaches it. */
        private ServerCall.Listener<Q> delegate;

        Deferred(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next, Context context,
                Executor threads, boolean unary) {
            this.call = call;
            this.headers = headers;
            this.next = next;
            this.context = context;
            this.threads = threads;
            this.unary = unary;
        }

        /** Starts the call now (streaming clients): the other interceptors run on the call's thread. */
        void start() {
            synchronized (this) {
                started = true;
                delivering = true;
            }
            threads.execute(this::deliver);
        }

        @Override
        public void onMessage(Q message) {
            add(l -> l.onMessage(message), false);
        }

        @Override
        public void onHalfClose() {
            boolean startNow;
            synchronized (this) {
                if (dead) {
                    return;
                }
                startNow = !started;
                if (startNow) {
                    pending.add(ServerCall.Listener::onHalfClose);
                    started = true;
                    delivering = true;
                }
            }
            if (startNow) {
                threads.execute(this::deliver);
            } else {
                add(ServerCall.Listener::onHalfClose, false);
            }
        }

        @Override
        public void onCancel() {
            synchronized (this) {
                if (!started) { // cancelled before the request was complete: the call never reaches the application
                    dead = true;
                    pending.clear();
                    return;
                }
            }
            add(ServerCall.Listener::onCancel, true);
        }

        @Override
        public void onComplete() {
            add(ServerCall.Listener::onComplete, true);
        }

        @Override
        public void onReady() {
            add(ServerCall.Listener::onReady, true);
        }

        /**
         * Queues an event; before the start it waits for it. After the start it goes to the thread
         * delivering now, or to a new one, or (a unary call's bookkeeping, {@code light}) runs here.
         */
        private void add(Consumer<ServerCall.Listener<Q>> event, boolean light) {
            boolean inline;
            synchronized (this) {
                if (dead) {
                    return;
                }
                pending.add(event);
                if (!started || delivering) {
                    return;
                }
                delivering = true;
                inline = light && unary;
            }
            if (inline) {
                drain(); // on the event loop, within the call's context (gRPC attached it)
            } else {
                threads.execute(this::deliver);
            }
        }

        /** A thread's turn: within the call's context, start the call if nobody has, then deliver what is queued. */
        private void deliver() {
            Context previous = context.attach();
            try {
                if (delegate == null) {
                    delegate = next.startCall(call, headers);
                }
                drain();
            } catch (RuntimeException | Error e) {
                fail(e);
            } finally {
                context.detach(previous);
            }
        }

        private void drain() {
            while (true) {
                Consumer<ServerCall.Listener<Q>> event;
                synchronized (this) {
                    event = pending.poll();
                    if (event == null || dead) {
                        delivering = false;
                        return;
                    }
                }
                try {
                    event.accept(delegate);
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        delivering = false;
                    }
                    throw e;
                }
            }
        }

        /** What gRPC does when a listener throws: the RPC ends with UNKNOWN, and no more events are delivered. */
        private void fail(Throwable e) {
            List<Consumer<ServerCall.Listener<Q>>> dropped;
            synchronized (this) {
                dead = true;
                delivering = false;
                dropped = List.copyOf(pending);
                pending.clear();
            }
            LOG.error("an RPC of {} failed on its thread ({} events left undelivered)",
                    call.getMethodDescriptor().getFullMethodName(), dropped.size(), e);
            try {
                call.close(Status.UNKNOWN.withDescription("Application error processing RPC"), new Metadata());
            } catch (IllegalStateException alreadyClosed) {
                // the call had been closed before it failed: nothing left to tell the client
            }
        }
    }
}
