package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * What a call's session did before it: the number of executed (or held) calls per qualified
 * tool name. Immutable.
 */
public record SessionHistory(Map<String, Long> callsByTool) {
    public static final SessionHistory EMPTY = new SessionHistory(Map.of());

    public SessionHistory {
        callsByTool = Map.copyOf(requireNonNull(callsByTool, "callsByTool"));
    }

    public long calls() {
        return callsByTool.values().stream().mapToLong(Long::longValue).sum();
    }

    public long callsOf(String qualifiedTool) {
        return callsByTool.getOrDefault(qualifiedTool, 0L);
    }
}
