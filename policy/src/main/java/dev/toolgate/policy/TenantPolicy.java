package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules and rate limits in force for one tenant: the shared files ({@code _all}) plus the
 * tenant's own, compiled and indexed. Decides calls: default deny; a matching deny wins;
 * among matching allows, one that asks for confirmation wins over one that does not.
 * Immutable and thread-safe; rate limits are applied by {@link PolicyEngine}, not here.
 */
public final class TenantPolicy {
    private final String tenant;
    private final String version;
    private final List<PolicyFile> files;
    private final List<Rule> rules;
    private final List<RateLimit> rateLimits;
    private final RuleIndex index;

    private TenantPolicy(String tenant, String version, List<PolicyFile> files, List<Rule> rules,
            List<RateLimit> rateLimits) {
        this.tenant = tenant;
        this.version = version;
        this.files = List.copyOf(files);
        this.rules = List.copyOf(rules);
        this.rateLimits = List.copyOf(rateLimits);
        this.index = new RuleIndex(this.rules);
    }

    /**
     * Combines files into one tenant's policy; rule and rate-limit ids must be unique across them.
     *
     * @return the policy, or empty when {@code problems} received an error
     */
    public static Optional<TenantPolicy> compile(String tenant, String version, List<PolicyFile> files,
            List<Problem> problems) {
        requireNonNull(tenant, "tenant");
        requireNonNull(version, "version");
        List<Rule> rules = new ArrayList<>();
        List<RateLimit> limits = new ArrayList<>();
        Map<String, SourcePosition> ids = new HashMap<>();
        boolean ok = true;
        for (PolicyFile file : files) {
            for (Rule r : file.rules()) {
                SourcePosition first = ids.putIfAbsent(r.id(), r.position());
                if (first != null) {
                    problems.add(Problem.error(r.position(), "id '" + r.id() + "' is already used at " + first));
                    ok = false;
                }
                rules.add(r);
            }
            for (RateLimit l : file.rateLimits()) {
                SourcePosition first = ids.putIfAbsent(l.id(), l.position());
                if (first != null) {
                    problems.add(Problem.error(l.position(), "id '" + l.id() + "' is already used at " + first));
                    ok = false;
                }
                limits.add(l);
            }
        }
        return ok ? Optional.of(new TenantPolicy(tenant, version, files, rules, limits)) : Optional.empty();
    }

    /** A policy with no rules: every call is denied. */
    public static TenantPolicy empty(String tenant, String version) {
        return new TenantPolicy(tenant, version, List.of(), List.of(), List.of());
    }

    public String tenant() {
        return tenant;
    }

    /** Git commit ({@code git:<sha>}) or content hash ({@code sha256:<hex>}) of the files that make it. */
    public String version() {
        return version;
    }

    public List<PolicyFile> files() {
        return files;
    }

    public List<Rule> rules() {
        return rules;
    }

    public List<RateLimit> rateLimits() {
        return rateLimits;
    }

    /** Decides one call (rate limits aside). Costs a map lookup plus the conditions of matching rules. */
    public Decision decide(PolicyRequest request) {
        Rule[] candidates = index.candidates(request.qualifiedTool(), request.integration(), request.agentId());
        ConditionFacts facts = null;
        Rule allow = null;
        Rule confirm = null;
        boolean confirmFailed = false;
        for (Rule rule : candidates) {
            if (!rule.scopesHeldBy(request.scopes())) {
                continue;
            }
            if (rule.effect() == Rule.Effect.ALLOW && confirm != null) {
                break; // the strictest allow is already found
            }
            boolean matched = true;
            String failure = null;
            if (rule.when().isPresent()) {
                if (facts == null) {
                    facts = new ConditionFacts(request);
                }
                try {
                    matched = rule.when().get().test(facts);
                } catch (Condition.EvaluationFailure e) {
                    // fail closed: a deny whose condition cannot be evaluated denies, a confirm rule asks for a
                    // human, and a plain allow does not allow
                    matched = rule.effect() == Rule.Effect.DENY || rule.confirm();
                    failure = e.getMessage();
                }
            }
            if (!matched) {
                continue;
            }
            if (rule.effect() == Rule.Effect.DENY) {
                return Decision.deny(rule.id(), denyReason(rule, request, failure), version);
            }
            if (rule.confirm()) {
                confirm = rule;
                confirmFailed = failure != null;
            } else if (allow == null) {
                allow = rule;
            }
        }
        if (confirm != null) {
            return Decision.confirm(confirm.id(), confirm.reason().isEmpty()
                    ? "policy rule '" + confirm.id() + "' requires a human to confirm this call" : confirm.reason(), version,
                    confirm.selfConfirm() && !confirmFailed); // a rule that could not be evaluated grants nothing
        }
        if (allow != null) {
            return Decision.allow(allow.id(), version);
        }
        return Decision.deny(Decision.DEFAULT_DENY, "no policy rule of tenant '" + request.tenant() + "' allows agent '"
                + request.agentId() + "' to call " + request.qualifiedTool() + " (default deny)", version);
    }

    /**
     * Whether some rule could allow this agent to call the tool (for listing tools): an allow
     * rule matches tool, agent and scopes, and no unconditional deny does. Conditions are not
     * evaluated: a tool allowed only for some arguments is listed.
     */
    public boolean visible(String qualifiedTool, String integration, String agentId, Set<String> scopes) {
        return hiding(qualifiedTool, integration, agentId, scopes).isEmpty();
    }

    /**
     * Why this agent is not shown the tool, as the deny decision any call to it gets whatever its
     * arguments: the unconditional deny rule that matches, or {@link Decision#DEFAULT_DENY} when no
     * allow rule does. Empty when the tool is {@link #visible visible}. Conditions are not evaluated.
     */
    public Optional<Decision> hiding(String qualifiedTool, String integration, String agentId, Set<String> scopes) {
        boolean allowed = false;
        for (Rule rule : index.candidates(qualifiedTool, integration, agentId)) {
            if (!rule.scopesHeldBy(scopes)) {
                continue;
            }
            if (rule.effect() == Rule.Effect.DENY && rule.when().isEmpty()) {
                return Optional.of(Decision.deny(rule.id(), rule.reason().isEmpty()
                        ? "policy rule '" + rule.id() + "' denies " + qualifiedTool + " to agent '" + agentId + "'"
                        : rule.reason(), version));
            }
            allowed |= rule.effect() == Rule.Effect.ALLOW;
        }
        return allowed ? Optional.empty() : Optional.of(Decision.deny(Decision.DEFAULT_DENY, "no policy rule of tenant '"
                + tenant + "' allows agent '" + agentId + "' to call " + qualifiedTool + " (default deny)", version));
    }

    /**
     * Whether some allow rule names the tool, for any agent and scopes (conditions aside): a tool no
     * rule allows is invisible to every agent of the tenant.
     */
    public boolean allowsSomeAgent(String qualifiedTool) {
        for (Rule rule : rules) {
            if (rule.effect() == Rule.Effect.ALLOW && rule.matchesTool(qualifiedTool)) {
                return true;
            }
        }
        return false;
    }

    /** Every rule, with why it did or did not apply to this call, and the decision. */
    public Explanation explain(PolicyRequest request) {
        List<Explanation.Step> steps = new ArrayList<>();
        ConditionFacts facts = new ConditionFacts(request);
        for (Rule rule : rules) {
            steps.add(Explanation.step(rule, request, facts));
        }
        return new Explanation(decide(request), steps);
    }

    private static String denyReason(Rule rule, PolicyRequest request, String failure) {
        String base = rule.reason().isEmpty()
                ? "policy rule '" + rule.id() + "' denies " + request.qualifiedTool() + " to agent '" + request.agentId() + "'"
                : rule.reason();
        return failure == null ? base : base + " (its condition could not be evaluated: " + failure + ")";
    }
}
