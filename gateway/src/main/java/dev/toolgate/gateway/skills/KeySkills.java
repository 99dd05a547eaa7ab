package dev.toolgate.gateway.skills;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import java.util.List;
import java.util.Optional;

/**
 * The skills assigned to one API key, loaded with the key (and cached with it). A key with none
 * is {@link #TENANT_WIDE}: it sees every tool of its tenant and uses the tenant's secrets, as
 * keys did before skills existed. Immutable.
 */
public record KeySkills(List<Skill> skills) {
    public static final KeySkills TENANT_WIDE = new KeySkills(List.of());

    public KeySkills {
        skills = List.copyOf(requireNonNull(skills, "skills"));
    }

    public boolean tenantWide() {
        return skills.isEmpty();
    }

    /** Whether some skill of the key includes the tool (every tool for a tenant-wide key). */
    public boolean includes(ToolDefinition tool) {
        if (skills.isEmpty()) {
            return true;
        }
        for (Skill s : skills) {
            if (s.includes(tool)) {
                return true;
            }
        }
        return false;
    }

    /** The key's skills that include the tool. */
    public List<Skill> including(ToolDefinition tool) {
        return skills.stream().filter(s -> s.includes(tool)).toList();
    }

    public Optional<Skill> named(String name) {
        return skills.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public List<String> names() {
        return skills.stream().map(Skill::name).toList();
    }
}
