package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

/**
 * Something wrong (or suspicious) in a policy file, with the place it was found. Lines and
 * columns count from 1; 0 means the whole file. {@link #toString()} is the
 * {@code file:line:col: severity: message} form editors and CI logs understand.
 */
public record Problem(Severity severity, String file, int line, int column, String message) {
    public enum Severity { ERROR, WARNING }

    public Problem {
        requireNonNull(severity, "severity");
        requireNonNull(file, "file");
        requireNonNull(message, "message");
    }

    public static Problem error(SourcePosition at, String message) {
        return new Problem(Severity.ERROR, at.file(), at.line(), at.column(), message);
    }

    public static Problem warning(SourcePosition at, String message) {
        return new Problem(Severity.WARNING, at.file(), at.line(), at.column(), message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
