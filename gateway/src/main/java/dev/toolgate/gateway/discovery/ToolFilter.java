package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.skills.Skill;
import java.util.Optional;

/**
 * Which of the visible tools a listing or search keeps: those of one integration and/or one
 * skill (empty: all). Immutable.
 */
public record ToolFilter(String integration, Optional<Skill> skill) {
    public static final ToolFilter NONE = new ToolFilter("", Optional.empty());

    public ToolFilter {
        requireNonNull(integration, "integration");
        requireNonNull(skill, "skill");
    }

    public boolean keeps(ToolDefinition tool) {
        return (integration.isEmpty() || integration.equals(tool.integration().name()))
                && skill.map(s -> s.includes(tool)).orElse(true);
    }

    /** What a page token is bound to besides the key: tokens of one filter are refused by another. */
    String digest() {
        return integration + "\u0000" + skill.map(Skill::id).orElse("");
    }
}
