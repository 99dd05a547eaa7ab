package dev.toolgate.gateway.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Behaviour hints of a tool (as MCP tool annotations) plus {@code requiresConfirmation}: a human
 * must approve each call. Stored as a comma-separated list.
 */
public record ToolAnnotations(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld,
        boolean requiresConfirmation) {
    public static final ToolAnnotations NONE = new ToolAnnotations(false, false, false, false, false);

    public ToolAnnotations(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
        this(readOnly, destructive, idempotent, openWorld, false);
    }

    public String encode() {
        List<String> parts = new ArrayList<>(4);
        if (readOnly) {
            parts.add("read_only");
        }
        if (destructive) {
            parts.add("destructive");
        }
        if (idempotent) {
            parts.add("idempotent");
        }
        if (openWorld) {
            parts.add("open_world");
        }
        if (requiresConfirmation) {
            parts.add("requires_confirmation");
        }
        return String.join(",", parts);
    }

    public static ToolAnnotations decode(String encoded) {
        Set<String> parts = Set.of(encoded.isEmpty() ? new String[0] : encoded.split(","));
        return new ToolAnnotations(parts.contains("read_only"), parts.contains("destructive"),
                parts.contains("idempotent"), parts.contains("open_world"),
                parts.contains("requires_confirmation"));
    }
}
