package dev.toolgate.gateway.execution.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.gateway.catalog.BodyBinding;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.catalog.ParamBinding;
import dev.toolgate.gateway.catalog.ParamLocation;
import dev.toolgate.gateway.catalog.ParamStyle;
import dev.toolgate.gateway.catalog.SecurityRequirements;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rendering validated arguments into a request: a GET with path, query styles, header and
 * cookie, and a POST with a flattened JSON body. Baseline in the same run: serialising the
 * arguments with Jackson (what any JSON pass-through costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestRenderBench {
    private HttpBinding get;
    private HttpBinding post;
    private JsonNode getArgs;
    private JsonNode postArgs;

    @Setup
    public void setUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        get = new HttpBinding("GET", "/stores/{store_id}/items/{item_id}", List.of(
                new ParamBinding("store_id", ParamLocation.PATH, "store_id"),
                new ParamBinding("item_id", ParamLocation.PATH, "item_id"),
                new ParamBinding("tag", ParamLocation.QUERY, "tag"),
                new ParamBinding("filter", ParamLocation.QUERY, "filter", ParamStyle.DEEP_OBJECT, true, false),
                new ParamBinding("request_id", ParamLocation.HEADER, "X-Request-Id"),
                new ParamBinding("locale", ParamLocation.COOKIE, "locale")),
                BodyBinding.NONE, SecurityRequirements.NONE, "application/json");
        getArgs = json.readTree("""
                {"store_id":7,"item_id":"a b/c","tag":["x","y z"],"filter":{"color":"red","size":"L"},
                 "request_id":"req-1","locale":"de"}""");
        post = new HttpBinding("POST", "/support/cases", List.of());
        postArgs = json.readTree("{\"customer_id\":\"acme\",\"summary\":\"Printer on fire\",\"priority\":\"high\"}");
    }

    @Benchmark
    public RequestRenderer.Rendered renderGet() {
        return RequestRenderer.render(get, getArgs);
    }

    @Benchmark
    public RequestRenderer.Rendered renderPost() {
        return RequestRenderer.render(post, postArgs);
    }

    @Benchmark
    public String baselineJacksonWrite() {
        return postArgs.toString();
    }
}
