package dev.toolgate.policy;

import static dev.toolgate.policy.Policies.call;

import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantPolicyTest {
    private static final TenantPolicy POLICY = Policies.of("""
            rules:
              - id: support-reads
                effect: allow
                tools: ["desk.get_*", "desk.list_*"]
                agents: ["support-*"]
              - id: refunds
                effect: allow
                tools: [billing.refund]
                agents: [support-bot, finance-bot]
              - id: big-refunds
                effect: allow
                tools: [billing.refund]
                agents: [support-bot]
                when: args.amount > 100
                confirm: true
              - id: finance-never-over-1000
                effect: deny
                tools: [billing.refund]
                agents: [finance-bot]
                when: args.amount > 1000
                reason: Refunds over 1000 go through the finance desk.
              - id: admin-only
                effect: allow
                tools: ["admin.*"]
                agents: ["*"]
                scopes: [ops]
              - id: no-deletes
                effect: deny
                tools: ["*.delete_*"]
                agents: ["*"]
              - id: weekday-only
                effect: deny
                tools: [desk.get_report]
                agents: ["*"]
                when: request.time.getDayOfWeek() == 0 || request.time.getDayOfWeek() == 6
              - id: vip
                effect: allow
                tools: [desk.vip_lookup]
                agents: ["*"]
                when: agent.labels["tier"] == "gold" && tool.annotations.read_only && tenant == "acme"
              - id: crm-for-sales
                effect: allow
                tools: [crm.update_deal]
                agents: ["*"]
                when: skill.name == "sales"
              - id: macros
                effect: allow
                tools: [desk.bulk]
                agents: ["*"]
                when: has(args.items) && args.items.all(i, i.qty <= 10) && args.items.exists(i, i.sku == "A")
            """);

    @Test
    void noMatchingRule_isDeniedByDefault_withAReasonNamingAgentAndTool() {
        Decision d = POLICY.decide(call("intruder", "desk.get_case", "{}"));
        assertThat(d.verdict()).isEqualTo(Verdict.DENY);
        assertThat(d.ruleId()).isEqualTo(Decision.DEFAULT_DENY);
        assertThat(d.reason()).contains("intruder").contains("desk.get_case").contains("default deny");
        assertThat(d.version()).isEqualTo("test");
    }

    @Test
    void globsOnToolAndAgent_allow() {
        assertThat(POLICY.decide(call("support-bot", "desk.get_case", "{}")))
                .extracting(Decision::verdict, Decision::ruleId).containsExactly(Verdict.ALLOW, "support-reads");
        assertThat(POLICY.decide(call("support-eu", "desk.list_cases", "{}")).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(POLICY.decide(call("support-eu", "desk.create_case", "{}")).verdict()).isEqualTo(Verdict.DENY);
    }

    @Test
    void sameCall_allowedForOneAgent_confirmForAnother_byArgumentCondition() {
        assertThat(POLICY.decide(call("finance-bot", "billing.refund", "{\"amount\":150}")).verdict())
                .isEqualTo(Verdict.ALLOW);
        Decision support = POLICY.decide(call("support-bot", "billing.refund", "{\"amount\":150}"));
        assertThat(support.verdict()).isEqualTo(Verdict.CONFIRM);
        assertThat(support.ruleId()).isEqualTo("big-refunds");
        assertThat(POLICY.decide(call("support-bot", "billing.refund", "{\"amount\":50}")))
                .extracting(Decision::verdict, Decision::ruleId).containsExactly(Verdict.ALLOW, "refunds");
        // decimals compare with ints too
        assertThat(POLICY.decide(call("support-bot", "billing.refund", "{\"amount\":100.5}")).verdict())
                .isEqualTo(Verdict.CONFIRM);
    }

    @Test
    void matchingDeny_winsOverAllows_andCarriesItsReason() {
        Decision d = POLICY.decide(call("finance-bot", "billing.refund", "{\"amount\":5000}"));
        assertThat(d.verdict()).isEqualTo(Verdict.DENY);
        assertThat(d.ruleId()).isEqualTo("finance-never-over-1000");
        assertThat(d.reason()).isEqualTo("Refunds over 1000 go through the finance desk.");
        assertThat(POLICY.decide(call("support-bot", "desk.delete_case", "{}")).ruleId()).isEqualTo("no-deletes");
    }

    @Test
    void denyWhoseConditionCannotBeEvaluated_denies_confirmSoAsksAHuman() {
        // finance-never-over-1000 reads args.amount, which is missing: fail closed
        Decision d = POLICY.decide(call("finance-bot", "billing.refund", "{}"));
        assertThat(d.verdict()).isEqualTo(Verdict.DENY);
        assertThat(d.ruleId()).isEqualTo("finance-never-over-1000");
        assertThat(d.reason()).contains("could not be evaluated");
        // big-refunds cannot be evaluated either: a confirm rule fails closed, so a human must confirm
        // (refunds, without a condition, would otherwise have let it run)
        Decision unclear = POLICY.decide(call("support-bot", "billing.refund", "{\"amount\":\"lots\"}"));
        assertThat(unclear).extracting(Decision::verdict, Decision::ruleId).containsExactly(Verdict.CONFIRM, "big-refunds");
        assertThat(unclear.selfConfirm()).isFalse();
    }

    @Test
    void requiredScopes_mustAllBeHeld() {
        assertThat(POLICY.decide(call("ops-bot", "admin.restart", "{}")).verdict()).isEqualTo(Verdict.DENY);
        assertThat(POLICY.decide(Policies.request("ops-bot", Set.of("tools:call", "ops"), "admin.restart", "{}"))
                .verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void conditionsSeeTheSkillTheCallRunsUnder_emptyForAKeyWithoutSkills() {
        PolicyRequest.Builder deal = PolicyRequest.builder().tenant("acme").agent("bot").tool("crm.update_deal")
                .time(java.time.Instant.EPOCH);

        assertThat(POLICY.decide(deal.skill("sales").build()).ruleId()).isEqualTo("crm-for-sales");
        assertThat(POLICY.decide(deal.skill("support").build()).verdict()).isEqualTo(Verdict.DENY);
        assertThat(POLICY.decide(deal.skill("").build()).verdict()).isEqualTo(Verdict.DENY);
    }

    @Test
    void conditionsSeeTimeAgentLabelsToolAnnotationsAndTenant() {
        PolicyRequest weekday = Policies.call("support-bot", "desk.get_report", "{}");
        assertThat(POLICY.decide(weekday).verdict()).isEqualTo(Verdict.ALLOW);
        PolicyRequest saturday = PolicyRequest.builder().tenant("acme").agent("support-bot").tool("desk.get_report")
                .time(java.time.Instant.parse("2025-01-11T12:00:00Z")).build();
        assertThat(POLICY.decide(saturday).ruleId()).isEqualTo("weekday-only");

        PolicyRequest.Builder vip = PolicyRequest.builder().tenant("acme").agent("a").tool("desk.vip_lookup")
                .time(java.time.Instant.EPOCH);
        assertThat(POLICY.decide(vip.build()).verdict()).isEqualTo(Verdict.DENY);
        assertThat(POLICY.decide(vip.labels(java.util.Map.of("tier", "gold"))
                .traits(new ToolTraits(true, false, true, false, false)).build()).verdict()).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void standardMacros_hasAllExists_work() {
        assertThat(POLICY.decide(call("a", "desk.bulk", "{\"items\":[{\"sku\":\"A\",\"qty\":2}]}")).verdict())
                .isEqualTo(Verdict.ALLOW);
        assertThat(POLICY.decide(call("a", "desk.bulk", "{\"items\":[{\"sku\":\"A\",\"qty\":20}]}")).verdict())
                .isEqualTo(Verdict.DENY);
        assertThat(POLICY.decide(call("a", "desk.bulk", "{}")).verdict()).isEqualTo(Verdict.DENY);
    }

    @Test
    void visibility_listsToolsSomeRuleCouldAllow_andHidesUnconditionalDenies() {
        assertThat(POLICY.visible("desk.get_case", "desk", "support-bot", Set.of("tools:call"))).isTrue();
        assertThat(POLICY.visible("billing.refund", "billing", "support-bot", Set.of("tools:call"))).isTrue();
        assertThat(POLICY.visible("billing.refund", "billing", "intruder", Set.of("tools:call"))).isFalse();
        assertThat(POLICY.visible("desk.delete_case", "desk", "support-bot", Set.of("tools:call"))).isFalse();
        assertThat(POLICY.visible("admin.restart", "admin", "x", Set.of("tools:call"))).isFalse();
        assertThat(POLICY.visible("admin.restart", "admin", "x", Set.of("ops"))).isTrue();
    }

    @Test
    void hiding_namesTheDenyEveryCallGets_whateverTheArguments() {
        assertThat(POLICY.hiding("desk.get_case", "desk", "support-bot", Set.of("tools:call"))).isEmpty();
        Decision unconditional = POLICY.hiding("desk.delete_case", "desk", "support-bot", Set.of("tools:call"))
                .orElseThrow();
        assertThat(unconditional.verdict()).isEqualTo(Verdict.DENY);
        assertThat(unconditional.ruleId()).isEqualTo("no-deletes");
        assertThat(unconditional.ruleId()).isEqualTo(POLICY.decide(call("support-bot", "desk.delete_case", "{}")).ruleId());
        Decision byDefault = POLICY.hiding("billing.refund", "billing", "intruder", Set.of("tools:call")).orElseThrow();
        assertThat(byDefault.ruleId()).isEqualTo(Decision.DEFAULT_DENY);
        assertThat(byDefault.reason()).isEqualTo(POLICY.decide(call("intruder", "billing.refund", "{}")).reason());
        assertThat(byDefault.version()).isEqualTo("test");
    }

    @Test
    void explain_givesEveryRuleItsReason() {
        Explanation e = POLICY.explain(call("support-bot", "billing.refund", "{\"amount\":150}"));
        assertThat(e.decision().verdict()).isEqualTo(Verdict.CONFIRM);
        String text = e.render();
        assertThat(text).contains("✓ refunds").contains("✓ big-refunds").contains("args.amount > 100` is true")
                .contains("· support-reads").contains("matches none of")
                .contains("decision: confirm by big-refunds");
    }

    @Test
    void manyRules_decideByIndex_sameAnswerAsAScan() {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (int i = 0; i < 2000; i++) {
            yaml.append("  - id: r").append(i).append("\n    effect: allow\n    tools: [int").append(i % 50)
                    .append(".tool_").append(i).append("]\n    agents: [agent-").append(i % 7).append("]\n");
        }
        yaml.append("  - id: all-reads\n    effect: allow\n    tools: [\"*.get_*\"]\n    agents: [\"*\"]\n");
        TenantPolicy many = Policies.of(yaml.toString());
        assertThat(many.decide(call("agent-3", "int10.tool_10", "{}")).ruleId()).isEqualTo("r10");
        assertThat(many.decide(call("agent-4", "int10.tool_10", "{}")).verdict()).isEqualTo(Verdict.DENY);
        assertThat(many.decide(call("anyone", "int10.get_x", "{}")).ruleId()).isEqualTo("all-reads");
    }

    @Test
    void sessionFacts_countEarlierCalls_andAreLookedUpOnlyWhenAConditionReadsThem() {
        TenantPolicy policy = Policies.of("""
                rules:
                  - id: refunds
                    effect: allow
                    tools: [billing.refund]
                    agents: ["*"]
                  - id: third-refund-in-a-session-needs-a-human
                    effect: allow
                    tools: [billing.refund]
                    agents: ["*"]
                    when: session.this_tool_calls >= 2 || session.calls > 20
                    confirm: true
                  - id: reads
                    effect: allow
                    tools: [billing.get_invoice]
                    agents: ["*"]
                """);
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Function<Map<String, Long>, PolicyRequest> refund = counts -> PolicyRequest.builder()
                .tenant("acme").agent("bot").tool("billing.refund").session("s-1").time(java.time.Instant.now())
                .history(() -> {
                    lookups.incrementAndGet();
                    return new SessionHistory(counts);
                }).build();

        assertThat(policy.decide(refund.apply(Map.of("billing.refund", 1L))).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(policy.decide(refund.apply(Map.of("billing.refund", 2L))).ruleId())
                .isEqualTo("third-refund-in-a-session-needs-a-human");
        assertThat(policy.decide(refund.apply(Map.of("billing.get_invoice", 21L))).verdict()).isEqualTo(Verdict.CONFIRM);
        int before = lookups.get();
        PolicyRequest read = PolicyRequest.builder().tenant("acme").agent("bot").tool("billing.get_invoice")
                .session("s-1").time(java.time.Instant.now()).history(() -> {
                    lookups.incrementAndGet();
                    return SessionHistory.EMPTY;
                }).build();
        assertThat(policy.decide(read).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(lookups.get()).isEqualTo(before); // no condition on this tool reads the session
    }
}
