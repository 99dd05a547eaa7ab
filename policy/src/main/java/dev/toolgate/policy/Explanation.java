package dev.toolgate.policy;

import java.util.List;

/** Why a policy decided as it did: one step per rule, in file order, and the decision. */
public record Explanation(Decision decision, List<Step> steps) {
    public Explanation {
        steps = List.copyOf(steps);
    }

    /**
     * One rule's verdict on the call.
     *
     * @param applies  tool, agent, scopes and condition all matched
     * @param why      which test failed, or "matched"
     */
    public record Step(Rule rule, boolean applies, String why) {
    }

    static Step step(Rule rule, PolicyRequest request, ConditionFacts facts) {
        if (!rule.matchesTool(request.qualifiedTool())) {
            return new Step(rule, false, "tool " + request.qualifiedTool() + " matches none of " + rule.tools());
        }
        if (!rule.matchesAgent(request.agentId())) {
            return new Step(rule, false, "agent '" + request.agentId() + "' matches none of " + rule.agents());
        }
        if (!rule.scopesHeldBy(request.scopes())) {
            return new Step(rule, false, "the key lacks scopes " + rule.scopes().stream()
                    .filter(s -> !request.scopes().contains(s)).sorted().toList());
        }
        if (rule.when().isEmpty()) {
            return new Step(rule, true, "matched (tool, agent and scopes; no condition)");
        }
        try {
            boolean result = rule.when().get().test(facts);
            return new Step(rule, result, "condition `" + rule.when().get() + "` is " + result);
        } catch (Condition.EvaluationFailure e) {
            boolean applies = rule.effect() == Rule.Effect.DENY || rule.confirm();
            return new Step(rule, applies, "condition `" + rule.when().get() + "` failed: " + e.getMessage()
                    + (applies ? " (a deny or confirm rule that cannot be evaluated applies: fail closed)"
                            : " (an allow that cannot be evaluated does not)"));
        }
    }

    /** Plain text, one line per rule, then the decision. */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (Step s : steps) {
            out.append(s.applies() ? "  ✓ " : "  · ").append(s.rule().id()).append(" (")
                    .append(s.rule().effect().name().toLowerCase(java.util.Locale.ROOT))
                    .append(s.rule().confirm() ? ", confirm" : "").append(") at ").append(s.rule().position())
                    .append(": ").append(s.why()).append('\n');
        }
        out.append("decision: ").append(decision.verdict().label()).append(" by ").append(decision.ruleId());
        if (!decision.reason().isEmpty()) {
            out.append(" — ").append(decision.reason());
        }
        out.append(" [policy ").append(decision.version()).append("]\n");
        return out.toString();
    }
}
