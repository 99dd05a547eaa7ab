package dev.toolgate.gateway.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.toolgate.observability.JsonBufferPool;

/** The gateway's own JSON mappers, independent of Micronaut's. Thread-safe. */
public final class JsonSupport {
    /**
     * Parse and write buffers shared by all threads. Jackson's default pool keeps them per thread,
     * which gives nothing to the gateway's calls: each runs on a new virtual thread, so each parse
     * allocated fresh buffers (16 KB and more per call). Bounded and without a lock
     * ({@link JsonBufferPool}).
     */
    private static final RecyclerPool<BufferRecycler> BUFFERS = JsonBufferPool.perProcessor();

    private static final ObjectMapper TRUSTED = JsonMapper.builder(JsonFactory.builder().recyclerPool(BUFFERS).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private JsonSupport() {
    }

    /** For JSON the gateway wrote itself (bindings, stored annotations). */
    public static ObjectMapper mapper() {
        return TRUSTED;
    }

    /**
     * A mapper for untrusted input that refuses documents nested deeper than {@code maxDepth},
     * duplicate keys and trailing content. Size is checked by the caller before parsing.
     */
    public static ObjectMapper untrusted(int maxDepth, int maxStringChars) {
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(BUFFERS)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxStringLength(maxStringChars)
                        .maxNumberLength(1000)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }
}
