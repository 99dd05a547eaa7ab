package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

/** A place in a policy file: path relative to the policy directory, 1-based line and column. */
public record SourcePosition(String file, int line, int column) {
    public SourcePosition {
        requireNonNull(file, "file");
    }

    public static SourcePosition ofFile(String file) {
        return new SourcePosition(file, 0, 0);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
