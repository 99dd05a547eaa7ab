package dev.toolgate.gateway.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;

/** A tool's input schema, compiled once per tool version. Thread-safe. */
public final class CompiledSchema {
    private final Schema schema;

    CompiledSchema(Schema schema) {
        this.schema = requireNonNull(schema, "schema");
    }

    /** Every violation of the instance, each located by a JSON Pointer; empty when valid. */
    public List<FieldViolation> validate(JsonNode instance) {
        List<Error> errors = schema.validate(instance);
        List<FieldViolation> out = new ArrayList<>(errors.size());
        for (Error e : errors) {
            out.add(toViolation(e));
        }
        return out;
    }

    private static FieldViolation toViolation(Error e) {
        String pointer = e.getInstanceLocation().toString();
        if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
            pointer = pointer + "/" + escape(e.getProperty());
            return new FieldViolation(pointer, pointer + ": required property '" + e.getProperty()
                    + "' is missing");
        }
        String message = e.getMessage();
        return new FieldViolation(pointer, (pointer.isEmpty() ? "arguments" : pointer) + ": " + message);
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
