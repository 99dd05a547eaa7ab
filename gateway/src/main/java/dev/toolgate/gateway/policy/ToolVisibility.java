package dev.toolgate.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.policy.Decision;
import dev.toolgate.policy.PolicyEngine;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Which tools an agent is shown: those of its key's skills (every tool for a key without skills)
 * that some rule of its tenant's policy could allow it to call (conditions aside). Listing, export, lookup and "did you mean" suggestions all go through
 * here, so a hidden tool is never described to an agent that may not call it.
 */
@Singleton
public class ToolVisibility {
    private final PolicyEngine policy;
    private final Catalog catalog;

    public ToolVisibility(PolicyEngine policy, Catalog catalog) {
        this.policy = requireNonNull(policy, "policy");
        this.catalog = requireNonNull(catalog, "catalog");
    }

    public boolean visible(Principal p, ToolDefinition tool) {
        return p.skills().includes(tool) && policy.visible(p.tenantId(), tool.integration().name(), tool.name(), p.agentId(), p.scopes());
    }

    /**
     * Why the agent is not shown the tool: the deny decision every call to it gets, whatever its
     * arguments (an unconditional deny rule, or default deny); empty when the tool is visible.
     */
    public Optional<Decision> hiding(Principal p, ToolDefinition tool) {
        return policy.hiding(p.tenantId(), tool.integration().name(), tool.name(), p.agentId(), p.scopes());
    }

    public List<ToolDefinition> visible(Principal p, List<ToolDefinition> tools) {
        return tools.stream().filter(t -> visible(p, t)).toList();
    }

    /** Close names for a tool that was not found, limited to tools the agent may see. */
    public List<String> closest(Principal p, String name) {
        return catalog.closest(p.tenantId(), name).stream()
                .filter(n -> catalog.find(p.tenantId(), n).map(t -> visible(p, t)).orElse(false))
                .toList();
    }
}
