package dev.toolgate.policy;

/** A tool's annotations as policies see them ({@code tool.annotations.read_only} in CEL). */
public record ToolTraits(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld,
        boolean requiresConfirmation) {
    public static final ToolTraits NONE = new ToolTraits(false, false, false, false, false);
}
