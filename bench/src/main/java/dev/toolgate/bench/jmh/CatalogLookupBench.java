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
import dev.toolgate.gateway.catalog.ToolIndex;
import dev.toolgate.gateway.validation.CompiledSchema;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * Finding a tenant's tool by the name a model sends (exported name, the second probe), at 10,
 * 1,000 and 100,000 tools. Baseline in the same run: one plain HashMap lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CatalogLookupBench {
    @Param({"10", "1000", "100000"})
    public int tools;

    private ToolIndex index;
    private Map<String, ToolDefinition> plain;
    private String[] names;
    private int next;

    @Setup
    public void setUp() throws Exception {
        CompiledSchema schema = new SchemaCompiler().compile("s", new ObjectMapper().readTree("{\"type\":\"object\"}"));
        Instant now = Instant.now();
        List<ToolDefinition> defs = new ArrayList<>(tools);
        plain = new HashMap<>();
        names = new String[1024];
        for (int i = 0; i < tools; i++) {
            IntegrationEntity integration = new IntegrationEntity("int_" + (i % 50), "bench", "integration_" + (i % 50),
                    StoredKind.of(IntegrationKind.HTTP), "https://api.invalid", HttpAuth.Kind.NONE, "", "", now, now,
                    SecuritySchemes.NONE.toJson(), IntegrationSource.MANUAL, "{}");
            ToolDefinition d = new ToolDefinition("bench", integration, "tool_" + i, 1, "d", "{}", schema,
                    ToolAnnotations.NONE, new HttpBinding("GET", "/x", List.of()), Duration.ofSeconds(10), "");
            defs.add(d);
            plain.put(d.exportName(), d);
        }
        index = ToolIndex.of(defs, (a, b) -> { });
        for (int i = 0; i < names.length; i++) {
            names[i] = defs.get((int) ((i * 2654435761L) % tools)).exportName();
        }
    }

    @Benchmark
    public Optional<ToolDefinition> find() {
        return index.find(names[next++ & 1023]);
    }

    @Benchmark
    public ToolDefinition baselineHashMapGet() {
        return plain.get(names[next++ & 1023]);
    }
}
