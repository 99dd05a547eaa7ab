package dev.toolgate.gateway.cli;

import java.util.List;

/**
 * Tells whoever just registered tools that no policy rule lets any agent use some of them (default
 * deny makes such tools invisible), with a rule to add. Printed on stderr; the command still succeeds.
 */
final class PolicyNotice {
    private PolicyNotice() {
    }

    static void notAllowed(String tenant, String integration, List<String> tools) {
        if (tools.isEmpty()) {
            return;
        }
        System.err.printf("toolgate: no policy rule of tenant %s allows %d of these tools (%s), so no agent sees or"
                        + " can call them yet. Allow them in the tenant's policy file (docs/policies.md), e.g.:%n"
                        + "  - id: allow-%s%n    effect: allow%n    tools: [\"%s.*\"]%n    agents: [\"*\"]%n",
                tenant, tools.size(), summary(tools), integration.replace('_', '-'), integration);
    }

    private static String summary(List<String> tools) {
        return tools.size() <= 3 ? String.join(", ", tools)
                : String.join(", ", tools.subList(0, 3)) + ", and " + (tools.size() - 3) + " more";
    }
}
