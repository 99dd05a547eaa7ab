package dev.toolgate.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.validation.ArgumentLimits;
import dev.toolgate.gateway.validation.ArgumentParser;
import dev.toolgate.gateway.validation.CompiledSchema;
import dev.toolgate.gateway.validation.SchemaCompiler;
import java.util.List;
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
 * Argument parse + schema validation, the first stage of every call, for a small schema (the
 * demo's create_support_case) and a large one (200 properties with nested arrays of objects).
 * Baseline in the same run: parsing the same arguments with a plain Jackson mapper.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ArgumentValidationBench {
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Param({"small", "large"})
    public String schema;

    private ArgumentParser parser;
    private CompiledSchema compiled;
    private String arguments;

    @Setup
    public void setUp() throws Exception {
        parser = new ArgumentParser(ArgumentLimits.ofDefaults());
        SchemaCompiler compiler = new SchemaCompiler();
        if (schema.equals("small")) {
            compiled = compiler.compile("s", PLAIN.readTree("""
                    {"type":"object","additionalProperties":false,"required":["customer_id","summary","priority"],
                     "properties":{"customer_id":{"type":"string","minLength":1,"maxLength":64},
                       "summary":{"type":"string","minLength":1,"maxLength":500},
                       "priority":{"type":"string","enum":["low","medium","high"]}}}"""));
            arguments = "{\"customer_id\":\"acme\",\"summary\":\"Printer on fire\",\"priority\":\"high\"}";
        } else {
            ObjectNode s = PLAIN.createObjectNode().put("type", "object");
            ObjectNode props = s.putObject("properties");
            ObjectNode args = PLAIN.createObjectNode();
            ArrayNode required = s.putArray("required");
            for (int i = 0; i < 200; i++) {
                String name = "field_" + i;
                switch (i % 4) {
                    case 0 -> {
                        props.putObject(name).put("type", "string").put("maxLength", 200).put("pattern", "^[a-z0-9 ]*$");
                        args.put(name, "value number " + i);
                    }
                    case 1 -> {
                        props.putObject(name).put("type", "integer").put("minimum", 0).put("maximum", 1_000_000);
                        args.put(name, i * 7);
                    }
                    case 2 -> {
                        props.putObject(name).put("type", "string").putArray("enum").add("a").add("b").add("c");
                        args.put(name, "b");
                    }
                    default -> {
                        ObjectNode item = PLAIN.createObjectNode().put("type", "object");
                        item.putObject("properties").putObject("id").put("type", "integer");
                        ((ObjectNode) item.get("properties")).putObject("label").put("type", "string");
                        item.putArray("required").add("id");
                        props.putObject(name).put("type", "array").put("maxItems", 50).set("items", item);
                        ArrayNode list = args.putArray(name);
                        for (int j = 0; j < 5; j++) {
                            list.addObject().put("id", j).put("label", "item " + j);
                        }
                    }
                }
                if (i % 3 == 0) {
                    required.add(name);
                }
            }
            compiled = compiler.compile("s", s);
            arguments = args.toString();
        }
        if (!validate().isEmpty()) {
            throw new IllegalStateException("benchmark arguments must be valid");
        }
    }

    @Benchmark
    public List<FieldViolation> validate() {
        return compiled.validate(parser.parse(arguments));
    }

    @Benchmark
    public JsonNode baselineJacksonParse() throws Exception {
        return PLAIN.readTree(arguments);
    }
}
