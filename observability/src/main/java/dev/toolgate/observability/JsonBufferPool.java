package dev.toolgate.observability;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Jackson's parse and write buffers, shared by all threads, at most {@code capacity} kept, without
 * a lock. Jackson's own pool keeps buffers per thread, which gives nothing when every call runs on
 * a new virtual thread; its bounded pool shares them through an {@code ArrayBlockingQueue}, whose
 * lock and condition signal on every parse and write took 1.7 % of the gateway's CPU at 16 callers
 * (async-profiler). Here each kept recycler sits in a slot: taking one empties its slot, giving one
 * back fills an empty slot or, when none is empty, leaves it to the garbage collector. Bounded,
 * since a recycler keeps the largest buffers it was given; parsing and writing in memory do not
 * block, so a few per core are all that are in use at once. Thread-safe.
 */
public final class JsonBufferPool implements RecyclerPool<BufferRecycler> {
    private static final long serialVersionUID = 1L;

    private final int capacity;
    /** Not serialised (a recycler is not serialisable): a pool read back starts empty ({@link #readResolve}). */
    private final transient AtomicReferenceArray<BufferRecycler> slots;

    private JsonBufferPool(int capacity) {
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** A mapper is serialisable with its factory and so with its pool: read back, it is a new, empty pool. */
    private Object readResolve() {
        return new JsonBufferPool(capacity);
    }

    /**
     * A pool keeping at most {@code capacity} recyclers.
     *
     * @throws IllegalArgumentException when {@code capacity} is under 1
     */
    public static JsonBufferPool ofCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, but was " + capacity);
        }
        return new JsonBufferPool(capacity);
    }

    /** Four per available processor. */
    public static JsonBufferPool perProcessor() {
        return ofCapacity(4 * Runtime.getRuntime().availableProcessors());
    }

    @Override
    public BufferRecycler acquirePooled() {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                BufferRecycler r = slots.getAndSet(i, null);
                if (r != null) {
                    return r;
                }
            }
        }
        return new BufferRecycler();
    }

    @Override
    public void releasePooled(BufferRecycler recycler) {
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) == null && slots.compareAndSet(i, null, recycler)) {
                return;
            }
        }
    }

    @Override
    public int pooledCount() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean clear() {
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, null);
        }
        return true;
    }
}
