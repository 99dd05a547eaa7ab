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
     * @param schema the parsed schema; must be an object schema with {@code "type": "object"},
     *     written in the dialect its {@code $schema} names (draft-04, -06, -07, 2019-09 or 2020-12;
     *     2020-12 without one)
     * @throws GatewayException INVALID_ARGUMENT locating each problem under {@code field}, each once
     */
    public CompiledSchema compile(String field, JsonNode schema) {
        return compile(field, schema, FormatChecks.DEFAULT);
    }

    /**
     * Compiles like {@link #compile(String, JsonNode)}; the schema then checks {@code format} or
     * takes it as an annotation, as {@code formats} says.
     */
    public CompiledSchema compile(String field, JsonNode schema, FormatChecks formats) {
        java.util.LinkedHashSet<FieldViolation> problems = new java.util.LinkedHashSet<>();
        if (!schema.isObject()) {
            problems.add(new FieldViolation(field, field + " must be a JSON object (a JSON Schema)"));
        } else {
            JsonNode type = schema.get("type");
            if (type == null || !"object".equals(type.asText())) {
                problems.add(new FieldViolation(field, field
                        + " must describe an object: set \"type\": \"object\" at the top level"));
            }
            java.util.Optional<SpecificationVersion> dialect = dialect(schema);
            if (dialect.isEmpty()) {
                String at = field + "/$schema";
                problems.add(new FieldViolation(field, at + ": " + Dialects.describe(schema.get("$schema"))
                        + " is not a JSON Schema dialect this gateway knows (meta-schemas are never fetched); use "
                        + Dialects.KNOWN + ", or leave $schema out for draft 2020-12"));
            } else {
                int before = problems.size();
                for (Error e : metaValidate(schema, dialect.get())) {
                    String at = field + JsonPointers.of(e.getInstanceLocation());
                    String message = e.getMessage();
                    String library = e.getInstanceLocation().toString();
                    if (!library.isEmpty() && message.startsWith(library + ": ")) {
                        message = message.substring(library.length() + 2);
                    }
                    problems.add(new FieldViolation(field, at + ": " + message));
                }
                if (problems.size() == before) { // the meta-schema may have said it already (format uri-reference)
                    problems.addAll(SchemaReferences.problems(field, schema));
                }
            }
            problems.addAll(SchemaPatterns.problems(field, schema));
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument(field + " is not a valid input schema", List.copyOf(problems));
        }
        try {
            Schema compiled = registry.getSchema(canonical(schema));
            compiled.initializeValidators();
            return new CompiledSchema(compiled, runner, schema, formats);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            FieldViolation why = SchemaReferences.explain(field, schema, e);
            throw GatewayException.invalidArgument(field + " is not a valid input schema", List.of(why));
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
        if (schema.isObject()) {
            java.util.Optional<SpecificationVersion> dialect = dialect(schema);
            if (dialect.isEmpty() || !metaValidate(schema, dialect.get()).isEmpty()
                    || !SchemaPatterns.problems("output_schema", schema).isEmpty()) {
                return java.util.Optional.empty();
            }
        }
        try {
            Schema compiled = registry.getSchema(schema.isObject() ? canonical(schema) : schema);
            compiled.initializeValidators();
            return java.util.Optional.of(new CompiledSchema(compiled, runner, schema, FormatChecks.ASSERT));
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            return java.util.Optional.empty();
        }
    }

    /** The schema with {@code $schema} written as the validator names its dialect (http/https, {@code #}). */
    private static JsonNode canonical(JsonNode schema) {
        JsonNode declared = schema.get("$schema");
        if (declared == null) {
            return schema;
        }
        String id = dialect(schema).orElseThrow().getDialectId();
        if (id.equals(declared.asText())) {
            return schema;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) schema)
                .deepCopy();
        copy.put("$schema", id);
        return copy;
    }

    /** The dialect {@code $schema} names; 2020-12 when there is none; empty when it names another. */
    static java.util.Optional<SpecificationVersion> dialect(JsonNode schema) {
        JsonNode declared = schema.get("$schema");
        if (declared == null) {
            return java.util.Optional.of(SpecificationVersion.DRAFT_2020_12);
        }
        return declared.isTextual() ? Dialects.of(declared.textValue()) : java.util.Optional.empty();
    }

    private List<Error> metaValidate(JsonNode schema, SpecificationVersion dialect) {
        Schema meta = metaRegistry.getSchema(com.networknt.schema.SchemaLocation.of(dialect.getDialectId()));
        return meta.validate(schema);
    }

    /**
     * Only the meta-schemas the validator bundles may be referenced: anything else under
     * json-schema.org would be looked up on the class path, fail, and be logged as an error.
     */
    private static boolean isExternal(AbsoluteIri iri) {
        return !Dialects.isBundledMetaSchema(iri.toString());
    }
}
