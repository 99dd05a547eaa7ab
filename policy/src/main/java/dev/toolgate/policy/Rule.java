package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One compiled rule of a policy file. Immutable.
 *
 * @param tools    patterns on {@code integration.tool}; the rule applies to a tool any of them matches
 * @param agents   patterns on the agent id
 * @param scopes   scopes the calling key must all hold for the rule to apply (none: any key)
 * @param when     the CEL condition, when the rule has one
 * @param confirm  for allow rules: the call runs only after a human confirms
 * @param selfConfirm with confirm: the calling key itself may confirm (when it holds {@code tools:confirm});
 *                 otherwise only another key can
 * @param reason   shown to the caller when this rule denies (or asks for confirmation)
 */
public record Rule(String id, Effect effect, List<Glob> tools, List<Glob> agents, Set<String> scopes,
        Optional<Condition> when, boolean confirm, boolean selfConfirm, String reason, SourcePosition position) {

    public enum Effect { ALLOW, DENY }

    public Rule {
        requireNonNull(id, "id");
        requireNonNull(effect, "effect");
        tools = List.copyOf(tools);
        agents = List.copyOf(agents);
        scopes = Set.copyOf(scopes);
        requireNonNull(when, "when");
        requireNonNull(reason, "reason");
        requireNonNull(position, "position");
        if (confirm && effect == Effect.DENY) {
            throw new IllegalArgumentException("a deny rule cannot ask for confirmation");
        }
        if (selfConfirm && !confirm) {
            throw new IllegalArgumentException("self_confirm needs confirm");
        }
    }

    public boolean matchesTool(String qualifiedTool) {
        for (Glob g : tools) {
            if (g.matches(qualifiedTool)) {
                return true;
            }
        }
        return false;
    }

    public boolean matchesAgent(String agentId) {
        for (Glob g : agents) {
            if (g.matches(agentId)) {
                return true;
            }
        }
        return false;
    }

    public boolean scopesHeldBy(Set<String> held) {
        return held.containsAll(scopes);
    }
}
