package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.catalog.ToolTags;
import dev.toolgate.gateway.skills.Skill;
import java.util.Optional;

/**
 * Which of the visible tools a listing or search keeps: those of one integration and/or one
 * skill and/or with some tags (empty: all). Tags are compared without regard to case; a tool
 * is kept when it has one of {@code tags} ({@code allTags} false: OR) or every one of them
 * ({@code allTags} true: AND). Immutable.
 */
public record ToolFilter(String integration, Optional<Skill> skill, ToolTags tags, boolean allTags) {
    public static final ToolFilter NONE = new ToolFilter("", Optional.empty());

    public ToolFilter {
        requireNonNull(integration, "integration");
        requireNonNull(skill, "skill");
        requireNonNull(tags, "tags");
    }

    public ToolFilter(String integration, Optional<Skill> skill) {
        this(integration, skill, ToolTags.NONE, false);
    }

    public boolean keeps(ToolDefinition tool) {
        return (integration.isEmpty() || integration.equals(tool.integration().name()))
                && skill.map(s -> s.includes(tool)).orElse(true)
                && tagged(tool.tags());
    }

    private boolean tagged(ToolTags of) {
        if (tags.isEmpty()) {
            return true;
        }
        return allTags ? tags.values().stream().allMatch(of::has) : tags.values().stream().anyMatch(of::has);
    }

    /** What a page token is bound to besides the key: tokens of one filter are refused by another. */
    String digest() {
        return integration + "\u0000" + skill.map(Skill::id).orElse("") + "\u0000" + (allTags ? "all" : "any")
                + tags.values().stream().map(ToolTags::key).sorted().toList();
    }
}
