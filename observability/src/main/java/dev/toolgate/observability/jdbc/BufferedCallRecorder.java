package dev.toolgate.observability.jdbc;

import static java.util.Objects.requireNonNull;

import dev.toolgate.observability.CallRecord;
import dev.toolgate.observability.CallRecordException;
import dev.toolgate.observability.CallRecorder;
import dev.toolgate.observability.CallStore;
import dev.toolgate.observability.RecorderStats;
import dev.toolgate.observability.StoredCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit writer: keeps on the request path only the rows that must exist before an upstream
 * is called ({@link #start} of an open record, the exactly-once lock) and writes everything else
 * — outcomes, records of calls run without a start row, refusals the store could not take —
 * from one background thread in batches.
 *
 * <p>When the store fails, the writer keeps what it holds and retries with backoff; meanwhile
 * start rows are refused at once ({@link #storeAvailable} is false) and finished records queue
 * up. The buffer is bounded: once {@code capacity} records or {@code maxChars} characters wait,
 * {@link #hasRoom} is false and callers refuse new calls, so nothing runs unrecorded. While the
 * store is up, a full buffer only means the writer is behind: {@link #awaitRoom} lets callers wait
 * for it, which turns a load above what the store can take into latency rather than refusals. Calls
 * already running still add their record (at most one each), so an executed call is never
 * dropped for lack of room; records are lost only if the gateway stops while the store is down
 * ({@link #dropped}), or a record the store rejects on its own (logged, dropped). Thread-safe.
 */
public final class BufferedCallRecorder implements CallRecorder, RecorderStats, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BufferedCallRecorder.class);
    private static final int BATCH = 256;
    /** The default {@code batchWindow}: one transaction per 10 ms at most while records trickle in. */
    public static final Duration DEFAULT_BATCH_WINDOW = Duration.ofMillis(10);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    /** Unexpected failures of one batch before it is written record by record. */
    private static final int UNEXPECTED_RETRIES = 3;
    /** Bookkeeping per record besides its text, for the memory bound. */
    private static final int RECORD_OVERHEAD_CHARS = 512;

    private enum Kind { INSERT, FINISH, RELEASE, SETTLE }

    /**
     * One record to write. An insert's row id is chosen once, by the thread that first writes it
     * (off the request path), so a repeated batch inserts nothing twice; a settle names the start
     * rows that may exist for the call.
     */
    private static final class Write {
        final Kind kind;
        final CallRecord record;
        final long chars;
        final List<String> settleRowIds;
        /** Set once by the writing thread; only that thread reads it. */
        private String rowId;

        Write(Kind kind, CallRecord record, long chars, List<String> settleRowIds) {
            this.kind = kind;
            this.record = record;
            this.chars = chars;
            this.settleRowIds = settleRowIds;
        }

        String rowId() {
            if (rowId == null) {
                rowId = newRowId();
            }
            return rowId;
        }
    }

    /**
     * Row ids in time order (UUID version 7: milliseconds since the epoch, then random bits), so a new
     * row's key goes to the right edge of the primary-key index instead of a random page of it.
     */
    private static final com.fasterxml.uuid.impl.TimeBasedEpochGenerator ROW_IDS =
            com.fasterxml.uuid.Generators.timeBasedEpochGenerator();

    static String newRowId() {
        return ROW_IDS.generate().toString();
    }

    private final CallStore store;
    private final long batchWindowNanos;
    private final int capacity;
    private final long maxChars;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    /** Records queued or in the batch being written. */
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicLong backlogChars = new AtomicLong();
    /** Records ever queued, and records ever done with (written or dropped): {@link #awaitWritten}'s marks. */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong droppedUnlogged = new AtomicLong();
    /**
     * Start rows whose insert failed without an answer (it may have been written): their row id
     * by call, so the call's outcome settles that row instead of leaving it {@code RUNNING}.
     */
    private final Map<String, List<String>> uncertainStarts = new ConcurrentHashMap<>();
    /** Outcomes queued but not yet written, so a repeated call id sees them at once. */
    private final Map<String, CallRecord> pending = new ConcurrentHashMap<>();
    private final Thread writer;
    /** Callers waiting in {@link #awaitRoom}; {@link #done} wakes them only when there are any. */
    private final AtomicInteger roomWaiters = new AtomicInteger();
    /** A lock, not a monitor: a virtual thread waiting on it never pins its carrier (JDK 21-23). */
    private final ReentrantLock roomLock = new ReentrantLock();
    private final Condition roomMade = roomLock.newCondition();
    private volatile boolean available = true;
    private volatile boolean closing;
    /** The writer is sleeping through its batch window. */
    private volatile boolean collecting;
    /** Records the batch being collected still has room for: as many queued, and the writer need not wait. */
    private volatile int collectRoom = BATCH;
    /** A reader waits in {@link #awaitWritten}: the writer cuts its batch window short. */
    private volatile boolean hurry;
    /** Set by the writer as it stops: later records are written (or counted lost) by their callers. */
    private volatile boolean writerDone;
    /** Unexpected (non-store) failures in a row; the writer thread's alone. */
    private int unexpectedFailures;

    /**
     * @param capacity records that may wait before new calls are refused
     * @param maxChars characters of text (arguments, results, errors) that may wait likewise
     */
    public BufferedCallRecorder(CallStore store, int capacity, long maxChars) {
        this(store, capacity, maxChars, DEFAULT_BATCH_WINDOW);
    }

    /**
     * @param batchWindow how long the writer collects records after the first one arrives before it
     *                    writes them in one transaction (COPY or multi-row inserts: {@link JdbcCallStore}):
     *                    fewer, larger writes at a low call rate. {@link #close} cuts the window short; {@code ZERO} writes at once.
     */
    public BufferedCallRecorder(CallStore store, int capacity, long maxChars, Duration batchWindow) {
        requireNonNull(batchWindow, "batchWindow");
        if (batchWindow.isNegative()) {
            throw new IllegalArgumentException("batchWindow must not be negative, but was " + batchWindow);
        }
        this.batchWindowNanos = batchWindow.toNanos();
        this.store = requireNonNull(store, "store");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive, but was " + maxChars);
        }
        this.capacity = capacity;
        this.maxChars = maxChars;
        this.writer = Thread.ofPlatform().name("call-record-writer").daemon(true).start(this::run);
    }

    /**
     * Writes an open record now (the lock an execution needs; refused at once while the store is
     * unavailable). A finished record (a refusal) is written now too when the store is up, and
     * queued otherwise.
     */
    @Override
    public boolean start(CallRecord record) {
        requireNonNull(record, "record");
        if (!available) {
            if (!record.status().isOpen()) {
                enqueueOrDrop(record);
                return true;
            }
            throw new CallRecordException("the call store is unreachable; retrying in the background");
        }
        String rowId = newRowId();
        try {
            return store.start(record, rowId);
        } catch (CallRecordException e) {
            if (e.recordRejected()) {
                if (record.status().isOpen()) {
                    throw e;
                }
                dropped.increment();
                LOG.error("the call store rejected the record of refused call {} of tenant {}; it is dropped",
                        record.callId(), record.tenantId(), e);
                return true;
            }
            if (e.storeUnreachable()) {
                markUnavailable();
            }
            if (record.status().isOpen()) {
                // the insert may have been written even so: the call's outcome settles that row
                uncertainStarts.compute(key(record.tenantId(), record.callId()), (k, ids) -> {
                    List<String> all = ids == null ? new ArrayList<>() : new ArrayList<>(ids);
                    all.add(rowId);
                    return List.copyOf(all);
                });
                throw e;
            }
            LOG.warn("call store failed; refused call {} is queued: {}", record.callId(), e.getMessage());
            enqueueOrDrop(record);
            return true;
        }
    }

    @Override
    public void finish(CallRecord record) {
        requireNonNull(record, "record");
        String key = key(record.tenantId(), record.callId());
        pending.put(key, record);
        enqueue(Kind.FINISH, record);
    }

    /** Frees the call id now when the store is up (a retry may follow at once), queued otherwise. */
    @Override
    public void release(CallRecord record) {
        requireNonNull(record, "record");
        if (available) {
            try {
                store.release(record);
                return;
            } catch (CallRecordException e) {
                if (e.recordRejected()) {
                    throw e;
                }
                if (e.storeUnreachable()) {
                    markUnavailable();
                }
            }
        }
        enqueue(Kind.RELEASE, record);
    }

    @Override
    public void append(CallRecord finished) {
        requireNonNull(finished, "finished");
        if (finished.status().isOpen()) {
            throw new IllegalArgumentException("call " + finished.callId() + " is not finished");
        }
        enqueue(Kind.INSERT, finished);
    }

    @Override
    public boolean hasRoom() {
        return backlog.get() < capacity && backlogChars.get() < maxChars;
    }

    @Override
    public boolean awaitRoom(Duration max) {
        if (hasRoom()) {
            return true;
        }
        long until = System.nanoTime() + max.toNanos();
        roomWaiters.incrementAndGet();
        try {
            roomLock.lock();
            try {
                long left;
                while (!hasRoom() && available && !closing && (left = until - System.nanoTime()) > 0) {
                    roomMade.awaitNanos(left);
                }
            } finally {
                roomLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            roomWaiters.decrementAndGet();
        }
        return hasRoom();
    }

    @Override
    public boolean storeAvailable() {
        return available;
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

    @Override
    public int backlog() {
        return backlog.get();
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public boolean flush(Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (backlog.get() > 0 && System.nanoTime() < until) {
            sleep(5);
        }
        return backlog.get() == 0;
    }

    /**
     * Waits until the records queued before this call are written (or given up), at most
     * {@code timeout}, and not at all while the store is unreachable: a reader that wants to see
     * the calls that finished before it asked (read your writes) calls this first. The writer
     * takes records in order, so the count of records done with is the mark.
     */
    @Override
    public boolean awaitWritten(Duration timeout) {
        long mark = queued.get();
        if (finished.get() >= mark) {
            return true;
        }
        hurry = true;
        LockSupport.unpark(writer); // a reader is waiting: the batch window need not run out
        long until = System.nanoTime() + timeout.toNanos();
        roomWaiters.incrementAndGet();
        try {
            roomLock.lock();
            try {
                long left;
                while (finished.get() < mark && available && !writerDone
                        && (left = until - System.nanoTime()) > 0) {
                    roomMade.awaitNanos(left);
                }
            } finally {
                roomLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            roomWaiters.decrementAndGet();
        }
        return finished.get() >= mark;
    }

    private void enqueueOrDrop(CallRecord refusal) {
        if (hasRoom() || uncertainStarts.containsKey(key(refusal.tenantId(), refusal.callId()))) {
            enqueue(Kind.INSERT, refusal);
        } else {
            dropped.increment();
            if (droppedUnlogged.getAndIncrement() == 0) { // one line per outage, the count when it ends
                LOG.error("audit buffer full and call store unreachable: refused calls are not recorded from now on"
                        + " (first: call {} of tenant {}); see toolgate_audit_dropped_total", refusal.callId(),
                        refusal.tenantId());
            }
        }
    }

    private void enqueue(Kind kind, CallRecord record) {
        long chars = RECORD_OVERHEAD_CHARS + record.arguments().length() + record.result().length()
                + record.error().length();
        List<String> settleRowIds = List.of();
        if (kind == Kind.INSERT && !uncertainStarts.isEmpty()) {
            List<String> uncertain = uncertainStarts.remove(key(record.tenantId(), record.callId()));
            if (uncertain != null) {
                kind = Kind.SETTLE;
                settleRowIds = uncertain;
            }
        }
        Write w = new Write(kind, record, chars, settleRowIds);
        backlog.incrementAndGet();
        backlogChars.addAndGet(chars);
        queued.incrementAndGet();
        if (writerDone) {
            writeNowOrCount(w); // the writer has stopped (shutdown): nothing may wait in the queue
            return;
        }
        queue.add(w);
        if (collecting && queue.size() >= collectRoom) {
            LockSupport.unpark(writer); // a full batch need not wait out the window
        }
    }

    private void writeNowOrCount(Write w) {
        try {
            write(List.of(w));
        } catch (CallRecordException e) {
            LOG.error("call record of call {} of tenant {} could not be written at shutdown", w.record.callId(),
                    w.record.tenantId(), e);
            dropped.increment();
            done(List.of(w));
        }
    }

    private static String key(String tenantId, String callId) {
        return tenantId + '\u0000' + callId;
    }

    private void run() {
        List<Write> batch = new ArrayList<>(BATCH);
        try {
            writeUntilClosed(batch);
        } finally { // however the loop ends (shutdown, an interrupt, an Error): callers stop waiting on it
            writerDone = true;
            List<Write> left = new ArrayList<>(batch);
            queue.drainTo(left);
            if (!left.isEmpty()) {
                dropped.add(left.size());
                done(left);
                LOG.error("{} call records were not written before the writer stopped (the call store is unreachable"
                        + " or the writer was interrupted); rows of calls that started stay RUNNING", left.size());
            }
        }
    }

    private void writeUntilClosed(List<Write> batch) {
        long backoff = FIRST_BACKOFF_MILLIS;
        while (!closing || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Write first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (!available && !closing) {
                            backoff = probe(backoff);
                        }
                        continue;
                    }
                    batch.add(first);
                    collect(batch);
                }
                write(batch);
                batch.clear(); // written and counted done: never again
                unexpectedFailures = 0;
                backoff = FIRST_BACKOFF_MILLIS;
            } catch (InterruptedException e) {
                if (!closing) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (CallRecordException e) {
                try {
                    if (e.recordRejected()) {
                        writeOneByOne(batch, false); // one record of the batch is what the store refuses
                        continue;
                    }
                } catch (CallRecordException again) {
                    e = again; // the store itself failed meanwhile: back off below
                } catch (RuntimeException bug) {
                    backoff = unexpected(batch, bug, backoff);
                    continue;
                }
                if (e.storeUnreachable()) {
                    markUnavailable();
                }
                LOG.error("call store failed: {} call records wait ({} more queued); retrying in {} ms",
                        batch.size(), queue.size(), backoff, e);
                if (closing) {
                    break;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } catch (RuntimeException bug) { // not the store: keep the writer alive
                if (closing) {
                    LOG.error("the call-record writer failed unexpectedly while stopping", bug);
                    break;
                }
                backoff = unexpected(batch, bug, backoff);
            }
        }
    }

    /**
     * Adds what arrives within the batch window (at most {@link #BATCH} records). The writer sleeps
     * through the window instead of waking for each record; a full batch or {@link #close} wakes it.
     */
    private void collect(List<Write> batch) {
        queue.drainTo(batch, BATCH - batch.size());
        if (batchWindowNanos == 0) {
            return;
        }
        long until = System.nanoTime() + batchWindowNanos;
        long left;
        collectRoom = BATCH - batch.size(); // before collecting is set: a caller that sees it sees this room
        collecting = true;
        try {
            while (batch.size() < BATCH && !closing && !hurry && queue.size() < BATCH - batch.size()
                    && (left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.currentThread().isInterrupted()) { // the loop sees it after this batch
                    break;
                }
            }
        } finally {
            collecting = false;
            hurry = false;
        }
        queue.drainTo(batch, BATCH - batch.size());
    }

    /**
     * A batch failed for a reason that is not the store's (a bug): retried after a backoff, and
     * after {@link #UNEXPECTED_RETRIES} such failures in a row written record by record, dropping
     * (and counting) each record that fails, so one bad record cannot stop the writer for good.
     */
    private long unexpected(List<Write> batch, RuntimeException bug, long backoff) {
        unexpectedFailures++;
        LOG.error("the call-record writer failed unexpectedly ({} times in a row): {} call records wait",
                unexpectedFailures, batch.size(), bug);
        if (unexpectedFailures >= UNEXPECTED_RETRIES) {
            try {
                writeOneByOne(batch, true);
                unexpectedFailures = 0;
                return FIRST_BACKOFF_MILLIS;
            } catch (RuntimeException storeFailed) {
                LOG.error("call store failed while writing records one by one; retrying", storeFailed);
            }
        }
        sleep(backoff);
        return Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }

    private long probe(long backoff) {
        if (store.ping()) {
            available = true;
            LOG.info("call store reachable again ({} refused calls were not recorded meanwhile)",
                    droppedUnlogged.getAndSet(0));
            return FIRST_BACKOFF_MILLIS;
        }
        sleep(backoff);
        return Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }

    private void write(List<Write> batch) {
        List<CallStore.Insert> inserts = new ArrayList<>();
        List<CallRecord> finishes = new ArrayList<>();
        List<CallRecord> releases = new ArrayList<>();
        List<CallStore.Settle> settles = new ArrayList<>();
        for (Write w : batch) {
            switch (w.kind) {
                case INSERT -> inserts.add(new CallStore.Insert(w.rowId(), w.record));
                case FINISH -> finishes.add(w.record);
                case RELEASE -> releases.add(w.record);
                case SETTLE -> settles.add(new CallStore.Settle(w.settleRowIds, w.record));
            }
        }
        List<String> missing = store.writeAll(inserts, finishes, releases, settles);
        if (!missing.isEmpty()) {
            LOG.error("outcomes of {} calls had no started row to update: {}", missing.size(), missing);
        }
        if (!available) { // before the batch counts as done: whoever waits for the backlog then sees the store up
            LOG.info("call store reachable again; writing {} buffered call records ({} refused calls were"
                    + " not recorded meanwhile)", backlog.get(), droppedUnlogged.getAndSet(0));
            available = true;
        }
        done(batch);
    }

    /**
     * Writes the batch record by record, dropping (and counting) each one the store refuses —
     * and, with {@code dropUnexpected}, each one that fails for a reason that is not the store's.
     * A failure of the store itself stops it: what is left stays in the batch for the retry.
     */
    private void writeOneByOne(List<Write> batch, boolean dropUnexpected) {
        for (java.util.Iterator<Write> it = batch.iterator(); it.hasNext(); ) {
            Write w = it.next();
            try {
                write(List.of(w));
            } catch (CallRecordException e) {
                if (!e.recordRejected()) {
                    throw e;
                }
                LOG.error("the call store rejected the record of call {} of tenant {}; it is dropped",
                        w.record.callId(), w.record.tenantId(), e);
                dropped.increment();
                done(List.of(w));
            } catch (RuntimeException e) {
                if (!dropUnexpected) {
                    throw e;
                }
                LOG.error("the record of call {} of tenant {} cannot be written; it is dropped",
                        w.record.callId(), w.record.tenantId(), e);
                dropped.increment();
                done(List.of(w));
            }
            it.remove();
        }
    }

    private void done(List<Write> written) {
        for (Write w : written) {
            if (w.kind == Kind.FINISH) {
                pending.remove(key(w.record.tenantId(), w.record.callId()), w.record);
            }
            backlog.decrementAndGet();
            backlogChars.addAndGet(-w.chars);
        }
        finished.addAndGet(written.size());
        wakeRoomWaiters();
    }

    /** Callers waiting for room give up at once: the writer cannot make any until the store is back. */
    private void markUnavailable() {
        available = false;
        wakeRoomWaiters();
    }

    private void wakeRoomWaiters() {
        if (roomWaiters.get() > 0) {
            roomLock.lock();
            try {
                roomMade.signalAll();
            } finally {
                roomLock.unlock();
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
        LockSupport.unpark(writer); // write what the batch window collected at once
        wakeRoomWaiters();
        try {
            writer.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("{} call records were not written before shutdown; rows of calls that started stay RUNNING",
                    backlog.get());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
