package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.ToolTags;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.skills.Skill;
import dev.toolgate.gateway.skills.SkillStore;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Turns a request's filter fields into a {@link ToolFilter}. A skill filter names one of the
 * key's skills, or any skill of the tenant for a key without skills; any other name is refused
 * with the same answer whether or not the skill exists, so a key learns nothing about skills it
 * does not hold. Thread-safe.
 */
@Singleton
public class ToolFilters {
    private final SkillStore skills;

    public ToolFilters(SkillStore skills) {
        this.skills = requireNonNull(skills, "skills");
    }

    public ToolFilter of(Principal p, String integration, String skill) {
        return base(p, integration, skill);
    }

    /**
     * With a tags filter too (OR, or AND when {@code allTags}).
     *
     * @throws GatewayException INVALID_ARGUMENT for a tag no tool can have (empty, too long, invisible
     *         characters) or more than {@value ToolTags#MAX_TAGS} tags
     */
    public ToolFilter of(Principal p, String integration, String skill, java.util.List<String> tags, boolean allTags) {
        java.util.List<dev.toolgate.gateway.error.FieldViolation> problems = new java.util.ArrayList<>();
        ToolTags wanted = ToolTags.of("tags", tags, problems);
        Identifiers.requireNoViolations(problems);
        ToolFilter base = base(p, integration, skill);
        return new ToolFilter(base.integration(), base.skill(), wanted, allTags);
    }

    private ToolFilter base(Principal p, String integration, String skill) {
        requireNonNull(integration, "integration");
        requireNonNull(skill, "skill");
        if (skill.isEmpty()) {
            return new ToolFilter(integration, Optional.empty());
        }
        Optional<Skill> found = p.skills().named(skill);
        if (found.isEmpty() && p.skills().tenantWide()) {
            found = skills.find(p.tenantId(), skill);
        }
        if (found.isEmpty()) {
            throw GatewayException.invalidArgument("skill", "skill '" + Identifiers.abbreviate(skill)
                    + "' is not a skill this key may use");
        }
        return new ToolFilter(integration, found);
    }
}
