package dev.toolgate.gateway.openapi;

/** Why one operation cannot become a tool; the import goes on with the others. */
final class ImportProblem extends RuntimeException {
    ImportProblem(String message) {
        super(message, null, false, false);
    }
}
