package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each RPC on one thread of {@code threads} (a virtual thread per task) from the start of its
 * interceptors to the handler's return, with the server on a direct executor; the outermost
 * interceptor. Left to gRPC's own executor, a unary call started three threads or more: one for
 * its start, one for its message and half-close when they came after the start had ended, one
 * for its completion once the answer was written (2.8 per call measured, docs/benchmarks.md).
 *
 * <p>For a method whose client sends one message (unary, server streaming) and a caller whose
 * credentials were verified lately ({@code readEarly}, a hint that never blocks), the request is
 * read on the event loop and held until the client half-closes; then one thread starts the call
 * (the other interceptors, authentication among them) and delivers the message and the half-close.
 * Such a call cancelled before its request is complete never starts. Any other call starts at once
 * on a thread, so a stranger's request is read only after authentication let it through. For a
 * unary call, what reaches the listener after the thread is done (ready, complete, cancel: gRPC's
 * bookkeeping, no application code) runs on the event loop; anything else is delivered in order
 * on a thread as gRPC's serializing executor did. Events never run concurrently. A listener that
 * throws ends the call (with the status it threw, else UNKNOWN); a cancel or completion still
 * reaches the listener after that, so what it holds is released.
 *
 * <p>The services named {@code offLoop} (those whose requests may be large: an OpenAPI document
 * arrives in one message of up to 40 MB) get {@code threads} as gRPC's executor for their calls
 * ({@link ServerCallExecutorSupplier}): their messages are parsed on a call thread, not on the event
 * loop, and this interceptor lets their calls pass as they are.
 */
final class OneThreadPerCall implements ServerInterceptor, ServerCallExecutorSupplier {
    private static final Logger LOG = LoggerFactory.getLogger(OneThreadPerCall.class);

    private final Executor threads;
    private final Set<String> offLoop;
    private final Predicate<Metadata> readEarly;

    OneThreadPerCall(Executor threads, Set<String> offLoop, Predicate<Metadata> readEarly) {
        this.threads = requireNonNull(threads, "threads");
        this.offLoop = Set.copyOf(offLoop);
        this.readEarly = requireNonNull(readEarly, "readEarly");
    }

    /** gRPC's executor for a call: {@code threads} for the services named {@code offLoop}, else the direct one. */
    @Override
    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        return offLoop.contains(call.getMethodDescriptor().getServiceName()) ? threads : null;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (offLoop.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers); // already on a call thread, with gRPC's own serializing executor
        }
        MethodDescriptor.MethodType type = call.getMethodDescriptor().getType();
        Deferred<Q, R> deferred = new Deferred<>(call, headers, next, Context.current(), threads,
                type == MethodDescriptor.MethodType.UNARY);
        if (type.clientSendsOneMessage() && readEarly.test(headers)) {
            call.request(1); // the one request is read now; the call starts once the client half-closed
        } else {
            deferred.start();
        }
        return deferred;
    }

    /** A listener event, delivered later to the call's own listener. */
    private enum Kind { MESSAGE, HALF_CLOSE, READY, CANCEL, COMPLETE }

    private record Event<Q>(Kind kind, Q message) {
        void deliverTo(ServerCall.Listener<Q> l) {
            switch (kind) {
                case MESSAGE -> l.onMessage(message);
                case HALF_CLOSE -> l.onHalfClose();
                case READY -> l.onReady();
                case CANCEL -> l.onCancel();
                case COMPLETE -> l.onComplete();
            }
        }

        /** The bookkeeping after a unary call's handler: no application code, so it may run on the event loop. */
        boolean light() {
            return kind == Kind.READY || kind == Kind.CANCEL || kind == Kind.COMPLETE;
        }

        /** What still reaches a failed call's listener: the end of the call, so the listener lets go of what it holds. */
        boolean ending() {
            return kind == Kind.CANCEL || kind == Kind.COMPLETE;
        }
    }

    /** The listener gRPC sees: holds events until the call starts, then serializes them onto the call's thread. */
    private static final class Deferred<Q, R> extends ServerCall.Listener<Q> {
        private final ServerCall<Q, R> call;
        private final Metadata headers;
        private final ServerCallHandler<Q, R> next;
        private final Context context;
        private final Executor threads;
        private final boolean unary;
        private final ArrayDeque<Event<Q>> pending = new ArrayDeque<>(4);

        /**
         * Guarded by {@code this}: the call was started; a thread (or the loop) is delivering; the call
         * never started and never will (cancelled first); a listener threw (only endings go on).
         */
        private boolean started;
        private boolean delivering;
        private boolean abandoned;
        private boolean failed;
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

        /** Starts the call now: the other interceptors run on the call's thread. */
        void start() {
            synchronized (this) {
                started = true;
                delivering = true;
            }
            submit();
        }

        @Override
        public void onMessage(Q message) {
            add(new Event<>(Kind.MESSAGE, message));
        }

        @Override
        public void onHalfClose() {
            boolean startNow;
            synchronized (this) {
                if (abandoned) {
                    return;
                }
                startNow = !started;
                if (startNow) {
                    pending.add(new Event<>(Kind.HALF_CLOSE, null));
                    started = true;
                    delivering = true;
                }
            }
            if (startNow) {
                submit();
            } else {
                add(new Event<>(Kind.HALF_CLOSE, null));
            }
        }

        @Override
        public void onCancel() {
            synchronized (this) {
                if (!started) { // cancelled before the request was complete: the call never reaches the application
                    abandoned = true;
                    pending.clear();
                    return;
                }
            }
            add(new Event<>(Kind.CANCEL, null));
        }

        @Override
        public void onComplete() {
            add(new Event<>(Kind.COMPLETE, null));
        }

        @Override
        public void onReady() {
            add(new Event<>(Kind.READY, null));
        }

        /**
         * Queues an event; before the start it waits for it. After the start it goes to the thread
         * delivering now, or to a new one, or (a unary call's bookkeeping) runs here.
         */
        private void add(Event<Q> event) {
            boolean inline;
            synchronized (this) {
                if (abandoned || failed && !event.ending()) {
                    return;
                }
                pending.add(event);
                if (!started || delivering) {
                    return;
                }
                delivering = true;
                inline = unary && event.light();
            }
            if (inline) {
                drain(); // on the event loop, within the call's context (gRPC attached it)
            } else {
                submit();
            }
        }

        private void submit() {
            try {
                threads.execute(this::deliver);
            } catch (RejectedExecutionException shuttingDown) {
                synchronized (this) {
                    abandoned = true;
                    delivering = false;
                    pending.clear();
                }
                close(Status.UNAVAILABLE.withDescription("the server is shutting down; retry on another instance"));
            }
        }

        /** A thread's turn: within the call's context, start the call if nobody has, then deliver what is queued. */
        private void deliver() {
            Context previous = context.attach();
            try {
                if (delegate == null) {
                    try {
                        delegate = next.startCall(call, headers);
                    } catch (RuntimeException | Error e) {
                        synchronized (this) {
                            abandoned = true; // no listener to tell of the call's end
                            delivering = false;
                            pending.clear();
                        }
                        failed(e);
                        return;
                    }
                }
                drain();
            } finally {
                context.detach(previous);
            }
        }

        private void drain() {
            while (true) {
                Event<Q> event;
                synchronized (this) {
                    event = pending.poll();
                    if (event == null) {
                        delivering = false;
                        return;
                    }
                }
                try {
                    event.deliverTo(delegate);
                } catch (RuntimeException | Error e) {
                    synchronized (this) {
                        failed = true;
                        pending.removeIf(p -> !p.ending());
                    }
                    failed(e); // then the loop goes on with the endings still queued
                }
            }
        }

        /** What gRPC does when a listener throws: the RPC ends, with the status thrown or UNKNOWN. */
        private void failed(Throwable e) {
            LOG.error("an RPC of {} failed on its thread", call.getMethodDescriptor().getFullMethodName(), e);
            Status status = Status.fromThrowable(e);
            close(status.getCode() == Status.Code.UNKNOWN && status.getDescription() == null
                    ? status.withDescription("Application error processing RPC") : status);
        }

        private void close(Status status) {
            try {
                call.close(status, new Metadata());
            } catch (IllegalStateException alreadyClosed) {
                // the call had been closed before: nothing left to tell the client
            }
        }
    }
}
