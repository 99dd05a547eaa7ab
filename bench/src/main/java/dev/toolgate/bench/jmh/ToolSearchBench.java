package dev.toolgate.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.IntegrationSource;
import dev.toolgate.gateway.catalog.SecuritySchemes;
import dev.toolgate.gateway.catalog.StoredKind;
import dev.toolgate.gateway.catalog.ToolAnnotations;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.catalog.ToolTags;
import dev.toolgate.gateway.discovery.SearchIndex;
import dev.toolgate.gateway.validation.CompiledSchema;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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
 * Tool search over one tenant's index at 1,000 and 100,000 generated tools (descriptions and
 * parameters drawn from a 2,000-word vocabulary, two tags each from its first 200 words): a five-word query for the top 10. Baseline in
 * the same run: a linear scan that counts each tool's description words matching the query (what
 * search costs without an index). {@code build} is the index build (run with {@code -bm ss}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ToolSearchBench {
    @Param({"1000", "100000"})
    public int tools;

    private List<ToolDefinition> defs;
    private SearchIndex index;
    private String[] queries;
    private int next;

    @Setup
    public void setUp() throws Exception {
        CompiledSchema schema = new SchemaCompiler().compile("s", new ObjectMapper().readTree("{\"type\":\"object\"}"));
        SplittableRandom random = new SplittableRandom(42);
        String[] vocabulary = new String[2000];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = word(random);
        }
        Instant now = Instant.now();
        defs = new ArrayList<>(tools);
        for (int i = 0; i < tools; i++) {
            IntegrationEntity integration = new IntegrationEntity("int_" + (i % 50), "bench", "integration_" + (i % 50),
                    StoredKind.of(IntegrationKind.HTTP), "https://api.invalid", HttpAuth.Kind.NONE, "", "", now, now,
                    SecuritySchemes.NONE.toJson(), IntegrationSource.MANUAL, "{}");
            String description = sentence(random, vocabulary, 12);
            String input = "{\"type\":\"object\",\"properties\":{\"" + vocabulary[random.nextInt(2000)]
                    + "_id\":{\"type\":\"string\",\"description\":\"" + sentence(random, vocabulary, 6) + "\"}}}";
            ToolTags tags = new ToolTags(List.of(vocabulary[random.nextInt(200)], vocabulary[random.nextInt(200)]));
            defs.add(new ToolDefinition("bench", integration, vocabulary[random.nextInt(2000)] + "_" + i, 1,
                    description, input, schema, ToolAnnotations.NONE, new HttpBinding("GET", "/x", List.of()),
                    Duration.ofSeconds(10), "", tags));
        }
        long before = usedHeap();
        long started = System.nanoTime();
        index = SearchIndex.build(defs);
        long buildMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("%nsearch index of %d tools: built in %d ms, about %.1f MiB retained%n", tools, buildMillis,
                (usedHeap() - before) / 1048576.0);
        queries = new String[256];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = sentence(random, vocabulary, 5);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static String word(SplittableRandom random) {
        StringBuilder w = new StringBuilder();
        int n = 4 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            w.append((char) ('a' + random.nextInt(26)));
        }
        return w.toString();
    }

    private static String sentence(SplittableRandom random, String[] vocabulary, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append(i == 0 ? "" : " ").append(vocabulary[(int) Math.min(1999, Math.abs(random.nextGaussian()) * 400)]);
        }
        return s.toString();
    }

    @Benchmark
    public List<SearchIndex.Hit> search() {
        return index.search(queries[next++ & 255], 10, t -> true);
    }

    @Benchmark
    public int baselineLinearScan() {
        String[] words = queries[next++ & 255].toLowerCase(Locale.ROOT).split(" ");
        int best = 0;
        for (ToolDefinition t : defs) {
            int score = 0;
            String d = t.description();
            for (String w : words) {
                if (d.contains(w)) {
                    score++;
                }
            }
            best = Math.max(best, score);
        }
        return best;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public SearchIndex build() {
        return SearchIndex.build(defs);
    }
}
