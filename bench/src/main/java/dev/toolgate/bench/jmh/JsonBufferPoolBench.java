package dev.toolgate.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.observability.JsonBufferPool;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Where the gateway's JSON parses and writes get their buffers: Jackson's bounded pool (an
 * {@code ArrayBlockingQueue}: a lock and a condition signal per take and per give-back; the gateway's
 * pool before) against {@link JsonBufferPool} (one atomic swap each), measured in the same run. Each
 * operation reads a call's small arguments document into a tree and writes it back, two pool round
 * trips, as argument parsing and the audit's redaction do. Run it with {@code -t 2} as well: two
 * threads share the pool as the two carrier threads do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonBufferPoolBench {
    @Param({"jackson-bounded", "lock-free"})
    public String pool;

    private ObjectMapper mapper;
    private final String arguments = "{\"query\":\"order 1042\",\"limit\":20,\"filters\":{\"status\":[\"open\",\"held\"]}}";

    @Setup
    public void setUp() {
        int capacity = 4 * Runtime.getRuntime().availableProcessors();
        JsonFactory factory = JsonFactory.builder().recyclerPool("lock-free".equals(pool)
                ? JsonBufferPool.ofCapacity(capacity) : JsonRecyclerPools.newBoundedPool(capacity)).build();
        mapper = new ObjectMapper(factory);
    }

    @Benchmark
    public String readAndWrite() throws IOException {
        JsonNode tree = mapper.readTree(arguments);
        return mapper.writeValueAsString(tree);
    }
}
