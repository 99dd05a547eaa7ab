package dev.toolgate.observability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the durable part of call recording on the request path and moves the rest off it:
 * {@link #start} (the row that must exist before an upstream is called) and {@link #release}
 * write synchronously; {@link #finish} (the outcome, once the caller has its answer) is queued
 * and written by one background thread in batches. Nothing is dropped: when the queue is full
 * the caller writes its outcome itself; when the store fails, the batch is retried with backoff
 * while new outcomes queue up (and, once the queue is full, are written — or fail — on the
 * callers' threads). A crash can leave a call's row {@code RUNNING}, as a crash mid-call would.
 * Thread-safe.
 */
public final class AsyncFinishCallRecorder implements CallRecorder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncFinishCallRecorder.class);
    private static final int BATCH = 256;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final JdbcCallRecorder store;
    private final BlockingQueue<CallRecord> queue;
    /** Outcomes queued but not yet written, so a repeated call id sees them at once. */
    private final Map<String, CallRecord> pending = new ConcurrentHashMap<>();
    private final Thread writer;
    private volatile boolean closing;

    public AsyncFinishCallRecorder(JdbcCallRecorder store, int capacity) {
        this.store = requireNonNull(store, "store");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("call-record-writer").daemon(true).start(this::run);
    }

    @Override
    public boolean start(CallRecord record) {
        return store.start(record);
    }

    @Override
    public void release(CallRecord record) {
        store.release(record);
    }

    @Override
    public void finish(CallRecord record) {
        requireNonNull(record, "record");
        String key = key(record.tenantId(), record.callId());
        pending.put(key, record);
        if (closing || !queue.offer(record)) {
            try {
                store.finish(record); // back-pressure: the caller writes its own outcome
            } finally {
                pending.remove(key, record);
            }
        }
    }

    @Override
    public Optional<StoredCall> findExecuted(String tenantId, String callId) {
        CallRecord queued = pending.get(key(tenantId, callId));
        if (queued != null) {
            return Optional.of(StoredCall.of(store.redact(queued))); // as it will be stored
        }
        return store.findExecuted(tenantId, callId);
    }

    @Override
    public boolean resume(String tenantId, String callId) {
        return store.resume(tenantId, callId);
    }

    private static String key(String tenantId, String callId) {
        return tenantId + '\u0000' + callId;
    }

    /** Outcomes waiting to be written. */
    public int backlog() {
        return queue.size();
    }

    private void run() {
        List<CallRecord> batch = new ArrayList<>(BATCH);
        long backoff = 50;
        while (!closing || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    CallRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                List<String> missing = store.finishAll(batch);
                if (!missing.isEmpty()) {
                    LOG.error("outcomes of {} calls had no started row to update: {}", missing.size(), missing);
                }
                batch.forEach(r -> pending.remove(key(r.tenantId(), r.callId()), r));
                batch.clear();
                backoff = 50;
            } catch (InterruptedException e) {
                if (!closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("could not write the outcomes of {} calls; retrying in {} ms ({} waiting)", batch.size(),
                        backoff, queue.size(), e);
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                if (closing) {
                    return; // the store is failing at shutdown: rows stay RUNNING, as after a crash
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued (waiting at most {@code timeout}), then stops the writer. */
    public void close(Duration timeout) {
        closing = true;
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive() || !queue.isEmpty()) {
            LOG.error("{} call outcomes were not written before shutdown; their rows stay RUNNING", queue.size());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
