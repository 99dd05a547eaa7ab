package dev.toolgate.policy;

import java.util.List;

/** A policy file (or directory) that cannot be used; carries every problem found, not just the first. */
public final class PolicyException extends RuntimeException {
    private final List<Problem> problems;

    public PolicyException(List<Problem> problems) {
        super(problems.isEmpty() ? "policy rejected" : problems.getFirst().toString()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
