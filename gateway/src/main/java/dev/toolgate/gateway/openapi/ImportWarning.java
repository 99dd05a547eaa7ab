package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

/**
 * A remark about the document or one operation.
 *
 * @param operation e.g. {@code POST /support/cases}; empty for the document as a whole
 * @param skipped the operation did not become a tool
 */
public record ImportWarning(String operation, String message, boolean skipped) {
    public ImportWarning {
        requireNonNull(operation, "operation");
        requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return (operation.isEmpty() ? "document" : operation) + ": " + message + (skipped ? " (skipped)" : "");
    }
}
