package dev.toolgate.gateway.support;

import dev.toolgate.proto.v1.ExecuteToolRequest;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Many callers sending the same call at once, each on its own thread and stub, counting what was
 * answered and what was refused (by status code) — how the rate-limit tests load several instances.
 *
 * @param allowed calls answered
 * @param refused refused calls by status code name
 * @param seconds how long the burst took
 */
public record CallBurst(int allowed, Map<String, Integer> refused, double seconds) {
    /**
     * @param stubOf the stub of caller {@code c} (e.g. spread over instances)
     */
    public static CallBurst run(int callers, int callsEach, IntFunction<ToolServiceGrpc.ToolServiceBlockingStub> stubOf,
            ExecuteToolRequest request) throws Exception {
        AtomicInteger allowed = new AtomicInteger();
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                ToolServiceGrpc.ToolServiceBlockingStub stub = stubOf.apply(c);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) {
                        try {
                            stub.executeTool(request);
                            allowed.incrementAndGet();
                        } catch (StatusRuntimeException e) {
                            refused.computeIfAbsent(e.getStatus().getCode().name(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(Eventually.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        refused.forEach((code, n) -> counts.put(code, n.get()));
        return new CallBurst(allowed.get(), Map.copyOf(counts), (System.nanoTime() - start) / 1e9);
    }
}
