package dev.toolgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyParserTest {
    private final List<Problem> problems = new ArrayList<>();

    private Optional<PolicyFile> parse(String text) {
        return PolicyParser.parse("acme.yaml", text, "acme", problems);
    }

    private List<String> errors() {
        return problems.stream().filter(Problem::isError).map(Problem::toString).toList();
    }

    @Test
    void validFile_yieldsRulesAndLimitsInFileOrder() {
        Optional<PolicyFile> file = parse("""
                tenant: acme
                rules:
                  - id: reads
                    effect: allow
                    tools: ["desk.get_*", desk.list_cases]
                    agents: ["*"]
                  - id: refunds
                    effect: allow
                    tools: billing.refund
                    agents: [support-bot]
                    scopes: [billing]
                    when: args.amount > 100
                    confirm: true
                    reason: Large refunds need a human.
                rate_limits:
                  - id: per-agent
                    limit: 60/min
                """);
        assertThat(errors()).isEmpty();
        assertThat(file).isPresent();
        assertThat(file.get().rules()).extracting(Rule::id).containsExactly("reads", "refunds");
        Rule refunds = file.get().rules().get(1);
        assertThat(refunds.confirm()).isTrue();
        assertThat(refunds.scopes()).containsExactly("billing");
        assertThat(refunds.when()).isPresent();
        assertThat(refunds.position().line()).isEqualTo(7);
        RateLimit limit = file.get().rateLimits().getFirst();
        assertThat(limit.permits()).isEqualTo(60);
        assertThat(limit.period()).hasSeconds(60);
        assertThat(limit.per()).isEqualTo(RateLimit.Per.AGENT);
    }

    @Test
    void badYaml_isReportedAtItsLineAndColumn() {
        assertThat(parse("rules:\n  - id: a\n    effect: [allow\n")).isEmpty();
        assertThat(errors()).singleElement().asString().startsWith("acme.yaml:4:").contains("invalid YAML");
    }

    @Test
    void celSyntaxError_isReportedInsideTheExpression() {
        assertThat(parse("""
                rules:
                  - id: a
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                    when: args.amount >
                """)).isEmpty();
        assertThat(errors()).singleElement().asString().startsWith("acme.yaml:6:").contains("in 'when'");
    }

    @Test
    void unknownVariable_failsAtLoad() {
        assertThat(parse("""
                rules:
                  - id: a
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: arg.amount > 100
                """)).isEmpty();
        assertThat(errors()).singleElement().asString()
                .startsWith("acme.yaml:6:11").contains("undeclared reference to 'arg'");
    }

    @Test
    void misspeltField_andTypeError_failAtLoad() {
        assertThat(parse("""
                rules:
                  - id: a
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: agent.idd == "x"
                  - id: b
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: tool.name + 1 == 2
                  - id: c
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: tenant
                """)).isEmpty();
        assertThat(errors()).hasSize(3);
        assertThat(errors().get(0)).startsWith("acme.yaml:6:").contains("idd");
        assertThat(errors().get(1)).startsWith("acme.yaml:11:");
        assertThat(errors().get(2)).startsWith("acme.yaml:16:");
    }

    @Test
    void blockScalarCondition_reportsTheFileLineOfTheError() {
        assertThat(parse("""
                rules:
                  - id: a
                    effect: deny
                    tools: ["*"]
                    agents: ["*"]
                    when: |
                      args.amount > 100 &&
                      nope.x == 1
                """)).isEmpty();
        assertThat(errors()).singleElement().asString().startsWith("acme.yaml:8:7");
    }

    @Test
    void everyMistakeIsCollected_withItsPlace() {
        assertThat(parse("""
                rule:
                  - id: a
                rules:
                  - id: "bad id!"
                    effect: confirm
                    tools: [Desk.Get]
                    agents: []
                    confirm: yes please
                  - id: twice
                    effect: deny
                    tools: [desk]
                    agents: ["*"]
                    confirm: true
                  - id: twice
                    effect: allow
                    tools: ["*"]
                    agents: ["*"]
                    scopes: ["BAD SCOPE"]
                rate_limits:
                  - id: r
                    limit: lots
                    per: planet
                """)).isEmpty();
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:1:1") && e.contains("unknown key 'rule'")
                && e.contains("did you mean 'rules'"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:4:") && e.contains("not an id"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:5:") && e.contains("confirm: true"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:6:") && e.contains("Desk.Get"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:7:") && e.contains("missing 'agents'"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:8:") && e.contains("true or false"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:11:") && e.contains("names no tool"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:13:") && e.contains("belongs on allow rules"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:14:") && e.contains("used twice"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:18:") && e.contains("BAD SCOPE"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:21:") && e.contains("not a rate"));
        assertThat(errors()).anyMatch(e -> e.startsWith("acme.yaml:22:") && e.contains("planet"));
    }

    @Test
    void fileClaimingAnotherTenant_isRefused() {
        assertThat(parse("tenant: globex\nrules: []\n")).isEmpty();
        assertThat(errors()).singleElement().asString().contains("says tenant 'globex'");
    }

    @Test
    void rates_parseInEveryDocumentedForm() {
        assertThat(RateLimit.parseRate("60/min")).isEqualTo(new RateLimit.Rate(60, java.time.Duration.ofMinutes(1)));
        assertThat(RateLimit.parseRate("10/s")).isEqualTo(new RateLimit.Rate(10, java.time.Duration.ofSeconds(1)));
        assertThat(RateLimit.parseRate("1000/hour")).isEqualTo(new RateLimit.Rate(1000, java.time.Duration.ofHours(1)));
        assertThat(RateLimit.parseRate("5/10s")).isEqualTo(new RateLimit.Rate(5, java.time.Duration.ofSeconds(10)));
        assertThat(RateLimit.parseRate("2/day")).isEqualTo(new RateLimit.Rate(2, java.time.Duration.ofDays(1)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RateLimit.parseRate("0/min"))
                .hasMessageContaining("at least 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RateLimit.parseRate("60 per minute"))
                .hasMessageContaining("60/min");
    }
}
