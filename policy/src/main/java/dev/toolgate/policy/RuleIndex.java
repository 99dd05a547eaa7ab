package dev.toolgate.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the rules that apply to a (tool, agent) pair without scanning every rule: literal tool
 * patterns are looked up by name, {@code integration.*}-style patterns by integration, and only
 * the remaining patterns are tried one by one. The answer for a pair is computed once and
 * remembered (rules never change inside one loaded policy); the memory is capped. Deny rules
 * come first in the answer, then allow rules, each group in file order. Thread-safe.
 */
final class RuleIndex {
    static final int MAX_REMEMBERED = 50_000;
    private static final Rule[] NONE = new Rule[0];

    private final Map<String, List<Ranked>> byTool = new HashMap<>();
    private final Map<String, List<Ranked>> byIntegration = new HashMap<>();
    private final List<Ranked> scanned = new ArrayList<>();
    private final ConcurrentHashMap<String, Rule[]> remembered = new ConcurrentHashMap<>();

    private record Ranked(int rank, Rule rule) {
    }

    RuleIndex(List<Rule> rules) {
        int rank = 0;
        for (Rule rule : rules) {
            // denies rank before allows, file order within each group
            Ranked r = new Ranked((rule.effect() == Rule.Effect.DENY ? 0 : 1 << 30) + rank++, rule);
            for (Glob g : rule.tools()) {
                if (g.isLiteral()) {
                    byTool.computeIfAbsent(g.pattern(), k -> new ArrayList<>()).add(r);
                } else if (g.literalIntegration().isPresent()) {
                    byIntegration.computeIfAbsent(g.literalIntegration().get(), k -> new ArrayList<>()).add(r);
                } else {
                    scanned.add(r);
                }
            }
        }
    }

    /** Rules whose tool and agent patterns match, denies first. The array must not be modified. */
    Rule[] candidates(String qualifiedTool, String integration, String agentId) {
        String key = qualifiedTool + '\u0000' + agentId;
        Rule[] known = remembered.get(key);
        if (known != null) {
            return known;
        }
        Rule[] found = compute(qualifiedTool, integration, agentId);
        if (remembered.size() < MAX_REMEMBERED) {
            remembered.putIfAbsent(key, found);
        }
        return found;
    }

    private Rule[] compute(String qualifiedTool, String integration, String agentId) {
        List<Ranked> hits = new ArrayList<>();
        collect(byTool.getOrDefault(qualifiedTool, List.of()), qualifiedTool, agentId, hits);
        collect(byIntegration.getOrDefault(integration, List.of()), qualifiedTool, agentId, hits);
        collect(scanned, qualifiedTool, agentId, hits);
        if (hits.isEmpty()) {
            return NONE;
        }
        hits.sort(Comparator.comparingInt(Ranked::rank));
        return hits.stream().map(Ranked::rule).distinct().toArray(Rule[]::new);
    }

    private static void collect(List<Ranked> from, String tool, String agent, List<Ranked> into) {
        for (Ranked r : from) {
            if (r.rule().matchesTool(tool) && r.rule().matchesAgent(agent)) {
                into.add(r);
            }
        }
    }
}
