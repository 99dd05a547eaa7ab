package dev.toolgate.gateway.cli;

/** A CLI failure shown to the user as one line, without a stack trace. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message, null, false, false);
    }
}
