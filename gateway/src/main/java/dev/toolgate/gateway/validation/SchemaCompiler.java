package dev.toolgate.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compiles input schemas (JSON Schema draft 2020-12 unless the schema's {@code $schema} says
 * otherwise) with networknt json-schema-validator. External {@code $ref}s are never fetched:
 * a schema must be self-contained. Regular expressions ({@code pattern},
 * {@code patternProperties}, {@code format: regex}) run with RE2/J in linear time; a schema with
 * a pattern RE2 refuses is refused itself (see {@link Re2Patterns}). Validation runs on
 * {@link ValidationThreads} when the compiler has them, except small arguments against a small
 * schema, which are validated on the caller's thread ({@link CompiledSchema}). Thread-safe.
 */
@Singleton
public class SchemaCompiler {
    private final SchemaRegistry registry;
    private final SchemaRegistry metaRegistry;
    private final Function<Supplier<List<com.networknt.schema.Error>>, List<com.networknt.schema.Error>> runner;

    /** A compiler whose schemas validate on the caller's thread (tools and benchmarks). */
    public SchemaCompiler() {
        this(Supplier::get);
    }

    /** A compiler whose schemas validate on {@code threads}. */
    @Inject
    public SchemaCompiler(ValidationThreads threads) {
        this(threads::run);
    }

    private SchemaCompiler(Function<Supplier<List<com.networknt.schema.Error>>, List<com.networknt.schema.Error>> runner) {
        this.runner = runner;
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .preloadSchema(true)
                .regularExpressionFactory(Re2RegularExpressionFactory.INSTANCE)
                .build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemaRegistryConfig(config)
                .schemaLoader(l -> l.fetchRemoteResources(false).block(SchemaCompiler::isExternal)));
        // the meta-schema checks that patterns are ECMA-262 regexes; what RE2 refuses is reported by SchemaPatterns
        SchemaRegistryConfig metaConfig = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .preloadSchema(true)
                .build();
        this.metaRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(metaConfig));
    }

    /**
     * @param schema the parsed schema; must be an object schema with {@code "type": "object"}
     * @throws GatewayException INVALID_ARGUMENT locating each problem under {@code field}
     */
    public CompiledSchema compile(String field, JsonNode schema) {
        List<FieldViolation> problems = new ArrayList<>();
        if (!schema.isObject()) {
            problems.add(new FieldViolation(field, field + " must be a JSON object (a JSON Schema)"));
        } else {
            JsonNode type = schema.get("type");
            if (type == null || !"object".equals(type.asText())) {
                problems.add(new FieldViolation(field, field
                        + " must describe an object: set \"type\": \"object\" at the top level"));
            }
            for (Error e : metaValidate(schema)) {
                problems.add(new FieldViolation(field, field + e.getInstanceLocation() + ": " + e.getMessage()));
            }
            problems.addAll(SchemaPatterns.problems(field, schema));
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument(field + " is not a valid input schema", problems);
        }
        try {
            Schema compiled = registry.getSchema(schema);
            compiled.initializeValidators();
            return new CompiledSchema(compiled, runner, schema);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            throw GatewayException.invalidArgument(field,
                    field + " cannot be compiled: " + e.getMessage() + " (external $ref is not supported)");
        }
    }

    /**
     * Compiles a tool's output schema, which may describe any JSON value (an OpenAPI operation's
     * response is often an array). Never fetches an external {@code $ref}.
     *
     * @return empty when the schema is not one this compiler can check results against (it is then
     *         not checked; it was stored as the upstream declared it)
     */
    public java.util.Optional<CompiledSchema> compileOutput(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            return java.util.Optional.empty();
        }
        if (schema.isObject() && (!metaValidate(schema).isEmpty() || !SchemaPatterns.problems("output_schema",
                schema).isEmpty())) {
            return java.util.Optional.empty();
        }
        try {
            Schema compiled = registry.getSchema(schema);
            compiled.initializeValidators();
            return java.util.Optional.of(new CompiledSchema(compiled, runner, schema));
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            return java.util.Optional.empty();
        }
    }

    private List<Error> metaValidate(JsonNode schema) {
        Schema meta = metaRegistry.getSchema(com.networknt.schema.SchemaLocation.of(
                SpecificationVersion.DRAFT_2020_12.getDialectId()));
        return meta.validate(schema);
    }

    private static boolean isExternal(AbsoluteIri iri) {
        String s = iri.toString();
        return !s.startsWith("https://json-schema.org/") && !s.startsWith("http://json-schema.org/");
    }
}
