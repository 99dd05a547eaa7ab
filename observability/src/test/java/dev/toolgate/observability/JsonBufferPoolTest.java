package dev.toolgate.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonBufferPoolTest {

    @Test
    void aRecyclerGivenBack_isTheOneTakenNext() {
        JsonBufferPool pool = JsonBufferPool.ofCapacity(2);
        BufferRecycler first = pool.acquirePooled();
        pool.releasePooled(first);

        assertThat(pool.pooledCount()).isEqualTo(1);
        assertThat(pool.acquirePooled()).isSameAs(first);
        assertThat(pool.pooledCount()).isZero();
        assertThat(pool.acquirePooled()).as("an empty pool makes a new one").isNotSameAs(first).isNotNull();
    }

    @Test
    void noMoreThanItsCapacity_isKept() {
        JsonBufferPool pool = JsonBufferPool.ofCapacity(3);
        for (int i = 0; i < 5; i++) {
            pool.releasePooled(new BufferRecycler());
        }
        assertThat(pool.pooledCount()).isEqualTo(3);

        assertThat(pool.clear()).isTrue();
        assertThat(pool.pooledCount()).isZero();
    }

    @Test
    void aMapperOnThePool_canBeSerialised_andReadBackWithAnEmptyPoolOfTheSameCapacity() throws Exception {
        JsonBufferPool pool = JsonBufferPool.ofCapacity(2);
        ObjectMapper mapper = new ObjectMapper(JsonFactory.builder().recyclerPool(pool).build());
        mapper.readTree("{\"a\":1}"); // a recycler now sits in the pool
        assertThat(pool.pooledCount()).isEqualTo(1);

        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(mapper);
        }
        ObjectMapper back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ObjectMapper) in.readObject();
        }
        assertThat(back.readTree("{\"b\":[2]}").toString()).isEqualTo("{\"b\":[2]}");
        JsonBufferPool read = (JsonBufferPool) back.getFactory()._getRecyclerPool();
        assertThat(read).isNotSameAs(pool);
        assertThat(read.pooledCount()).isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            read.releasePooled(new BufferRecycler());
        }
        assertThat(read.pooledCount()).as("capacity kept").isEqualTo(2);
    }

    @Test
    void aCapacityUnderOne_isRefused() {
        assertThatThrownBy(() -> JsonBufferPool.ofCapacity(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be >= 1, but was 0");
    }

    @Test
    void aMapperOnThePool_readsAndWrites_andGivesItsBuffersBack() throws Exception {
        JsonBufferPool pool = JsonBufferPool.ofCapacity(4);
        ObjectMapper mapper = new ObjectMapper(JsonFactory.builder().recyclerPool(pool).build());

        String json = "{\"a\":[1,2,{\"b\":\"" + "x".repeat(20_000) + "\"}],\"c\":null}";
        assertThat(mapper.writeValueAsString(mapper.readTree(json))).isEqualTo(json);
        assertThat(pool.pooledCount()).isBetween(1, 4);
    }

    @Test
    void underContention_noRecyclerIsHeldByTwoThreadsAtOnce() throws Exception {
        JsonBufferPool pool = JsonBufferPool.ofCapacity(4);
        Set<BufferRecycler> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicInteger clashes = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    BufferRecycler r = pool.acquirePooled();
                    if (!inUse.add(r)) {
                        clashes.incrementAndGet();
                    }
                    inUse.remove(r);
                    pool.releasePooled(r);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(clashes.get()).isZero();
        assertThat(pool.pooledCount()).isBetween(1, 4);
    }
}
