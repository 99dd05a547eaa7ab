package dev.toolgate.gateway.catalog;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import jakarta.inject.Singleton;

/**
 * Counts of definition changes by tenant and outcome ({@code held}, {@code approved},
 * {@code rejected}, {@code superseded}, {@code flagged}), read by the metrics
 * ({@code toolgate_tool_definition_changes_total}). Thread-safe.
 */
@Singleton
public class DefinitionChangeStats {
    private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

    public void count(String tenant, String outcome) {
        counts.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    /** Calls {@code each} with (tenant, outcome) and the count. */
    public void forEach(TriConsumer each) {
        counts.forEach((tenant, byOutcome) -> byOutcome.forEach((outcome, n) -> each.accept(tenant, outcome,
                n.sum())));
    }

    /** (tenant, outcome, count). */
    @FunctionalInterface
    public interface TriConsumer {
        void accept(String tenant, String outcome, long count);
    }

    /** For tests: the count of one tenant and outcome. */
    public long get(String tenant, String outcome) {
        LongAdder n = counts.getOrDefault(tenant, Map.of()).get(outcome);
        return n == null ? 0 : n.sum();
    }

}
