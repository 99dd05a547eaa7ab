package dev.toolgate.gateway.error;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a request.
 *
 * @param field   JSON Pointer into the arguments (e.g. {@code /priority}, {@code ""} for the whole
 *                document), or a request field name for non-argument fields
 * @param message what is wrong and how to fix it, written for a model to act on
 */
public record FieldViolation(String field, String message) {
    public FieldViolation {
        requireNonNull(field, "field");
        requireNonNull(message, "message");
    }
}
