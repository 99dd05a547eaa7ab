package dev.toolgate.gateway.execution;

import java.util.function.Supplier;

/**
 * When a call whose client went away (cancelled, or its deadline passed) may be interrupted:
 * only while it waits for its upstream. The transport binds a window to the request's thread
 * ({@link #bind}) and calls {@link #cancel} when the client goes away; the call path opens it
 * around the upstream wait ({@link #upstream}), so the upstream request is cancelled and the call
 * recorded as not answered instead of running on for nobody; a call whose client went away
 * before the wait began is not sent at all.
 *
 * <p>An interrupt elsewhere would do harm: on a virtual thread, an interrupt during blocking
 * socket I/O closes the socket, so one reaching a write of the call record would break that
 * database connection and make the audit store look unreachable. No interrupt outlives the
 * window. Thread-safe.
 */
public final class CancellationWindow implements AutoCloseable {
    private static final ThreadLocal<CancellationWindow> CURRENT = new ThreadLocal<>();

    private final Thread worker;
    // guarded by this
    private boolean open;
    private boolean cancelled;
    private boolean closed;

    private CancellationWindow(Thread worker) {
        this.worker = worker;
    }

    /** A window for the current thread's request, until {@link #close}. */
    public static CancellationWindow bind() {
        CancellationWindow w = new CancellationWindow(Thread.currentThread());
        CURRENT.set(w);
        return w;
    }

    /** The client went away: interrupts the upstream wait, now or when it begins. */
    public synchronized void cancel() {
        cancelled = true;
        if (open && !closed) {
            worker.interrupt();
        }
    }

    /**
     * Runs the upstream wait of the current thread's request with its window open (or plainly
     * when no transport bound one). The thread's interrupt flag is cleared after it.
     *
     * @throws CancelledBeforeSend when the client went away before the wait began: nothing was
     *         sent, and the caller records the call as not sent
     */
    static <T> T upstream(Supplier<T> wait) {
        CancellationWindow w = CURRENT.get();
        if (w == null || w.worker != Thread.currentThread()) {
            return wait.get();
        }
        if (!w.open()) {
            throw new CancelledBeforeSend();
        }
        try {
            return wait.get();
        } finally {
            w.shut();
            Thread.interrupted(); // an interrupt meant for the wait stops here
        }
    }

    /** Opens the window, unless the client has gone already. */
    private synchronized boolean open() {
        if (cancelled) {
            return false;
        }
        open = true;
        return true;
    }

    private synchronized void shut() {
        open = false;
    }

    /** The client went away before its call was sent upstream. */
    static final class CancelledBeforeSend extends RuntimeException {
        CancelledBeforeSend() {
            super("the client cancelled the call (or its deadline passed) before it was sent", null, false, false);
        }
    }

    /** Ends the window: no interrupt reaches the thread after this. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        Thread.interrupted();
    }
}
