package dev.toolgate.gateway.skills;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.CredentialScope;
import java.util.List;
import java.util.Map;

/**
 * Which skill a call runs under. A key without skills runs every call tenant-wide. Otherwise the
 * call may name one of the key's skills (ExecuteToolRequest {@code skill}, /mcp
 * {@code params._meta["dev.toolgate/skill"]}); when it names none, the one skill of the key that
 * includes the tool is used, and a tool in several of them must be called with a name.
 */
public final class SkillChoice {
    private SkillChoice() {
    }

    /**
     * The skill the call asks for, checked before the tool is looked up, so the answer never
     * depends on whether the tool exists.
     *
     * @throws GatewayException PERMISSION_DENIED {@code SKILL_NOT_ASSIGNED} when the key is not
     *         assigned that skill (whether or not the tenant has one of that name)
     */
    public static void checkRequested(KeySkills skills, String requested) {
        if (!requested.isEmpty() && skills.named(requested).isEmpty()) {
            throw GatewayException.permissionDenied("SKILL_NOT_ASSIGNED", "skill '" + Identifiers.abbreviate(requested)
                    + "' is not assigned to this API key" + (skills.tenantWide() ? " (it is assigned no skill: leave"
                    + " skill empty)" : "; its skills are " + skills.names()), Map.of("skill",
                    Identifiers.abbreviate(requested)));
        }
    }

    /**
     * The credentials of the skill the call runs under; {@link CredentialScope#TENANT} for a key
     * without skills. {@code tool} is one the key's skills include.
     *
     * @throws GatewayException PERMISSION_DENIED {@code TOOL_NOT_IN_SKILL} when the named skill
     *         does not include the tool; FAILED_PRECONDITION {@code SKILL_AMBIGUOUS} when no skill
     *         is named and several skills of the key include the tool
     */
    public static CredentialScope choose(KeySkills skills, String requested, ToolDefinition tool) {
        if (skills.tenantWide()) {
            return CredentialScope.TENANT;
        }
        List<Skill> including = skills.including(tool);
        List<String> names = including.stream().map(Skill::name).toList();
        if (!requested.isEmpty()) {
            Skill named = skills.named(requested).orElseThrow(() -> new IllegalStateException("checked before"));
            if (!named.includes(tool)) {
                throw GatewayException.permissionDenied("TOOL_NOT_IN_SKILL", "tool '" + tool.qualifiedName()
                        + "' is not in skill '" + requested + "'; the skills of this API key that include it: " + names,
                        Map.of("skill", requested, "tool", tool.qualifiedName()));
            }
            return named.credentials();
        }
        if (including.size() == 1) {
            return including.get(0).credentials();
        }
        if (including.isEmpty()) {
            throw new IllegalStateException("tool " + tool.qualifiedName() + " is in no skill of the key");
        }
        throw GatewayException.failedPrecondition("SKILL_AMBIGUOUS", "tool '" + tool.qualifiedName() + "' is in"
                + " several skills of this API key " + names + ", each with its own credentials; name the one to"
                + " call under (ExecuteToolRequest.skill, or params._meta[\"dev.toolgate/skill\"] over /mcp)",
                Map.of("tool", tool.qualifiedName(), "skills", String.join(",", names)));
    }
}
