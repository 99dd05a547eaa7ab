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
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles input schemas (JSON Schema draft 2020-12 unless the schema's {@code $schema} says
 * otherwise) with networknt json-schema-validator. External {@code $ref}s are never fetched:
 * a schema must be self-contained. Thread-safe.
 */
@Singleton
public class SchemaCompiler {
    private final SchemaRegistry registry;
    private final SchemaRegistry metaRegistry;

    public SchemaCompiler() {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .preloadSchema(true)
                .build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemaRegistryConfig(config)
                .schemaLoader(l -> l.fetchRemoteResources(false).block(SchemaCompiler::isExternal)));
        this.metaRegistry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(config));
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
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument(field + " is not a valid input schema", problems);
        }
        try {
            Schema compiled = registry.getSchema(schema);
            compiled.initializeValidators();
            return new CompiledSchema(compiled);
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            throw GatewayException.invalidArgument(field,
                    field + " cannot be compiled: " + e.getMessage() + " (external $ref is not supported)");
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
