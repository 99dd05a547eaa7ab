package dev.toolgate.gateway.validation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import dev.toolgate.gateway.error.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** A tool's input schema, compiled once per tool version. Thread-safe. */
public final class CompiledSchema {
    private final Schema schema;
    private final Function<Supplier<List<Error>>, List<Error>> runner;

    CompiledSchema(Schema schema, Function<Supplier<List<Error>>, List<Error>> runner) {
        this.schema = requireNonNull(schema, "schema");
        this.runner = requireNonNull(runner, "runner");
    }

    /**
     * Every violation of the instance, each located by a JSON Pointer; empty when valid. Runs
     * on the compiler's validation threads (the caller waits).
     */
    public List<FieldViolation> validate(JsonNode instance) {
        List<Error> errors = runner.apply(() -> schema.validate(instance));
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
