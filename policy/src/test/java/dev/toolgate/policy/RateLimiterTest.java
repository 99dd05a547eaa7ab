package dev.toolgate.policy;

import static dev.toolgate.policy.Policies.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(nanos::get);

    private static final TenantPolicy POLICY = Policies.of("""
            rules:
              - id: all
                effect: allow
                tools: ["*"]
                agents: ["*"]
            rate_limits:
              - id: per-agent
                limit: 3/min
              - id: searches
                limit: 10/s
                per: tool
                tools: ["desk.search"]
            """);

    @Test
    void afterNCalls_theAgentIsLimited_withRetryAfterUntilTheNextToken() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(POLICY, call("a", "desk.get", "{}"))).isEmpty();
        }
        Optional<Decision> refused = limiter.acquire(POLICY, call("a", "desk.get", "{}"));
        assertThat(refused).isPresent();
        assertThat(refused.get().verdict()).isEqualTo(Verdict.RATE_LIMITED);
        assertThat(refused.get().ruleId()).isEqualTo("per-agent");
        assertThat(refused.get().retryAfter()).contains(Duration.ofSeconds(20));
        assertThat(refused.get().reason()).contains("3 calls per minute per agent");
        // another agent has its own bucket
        assertThat(limiter.acquire(POLICY, call("b", "desk.get", "{}"))).isEmpty();
        // a token comes back after 20 s
        nanos.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(limiter.acquire(POLICY, call("a", "desk.get", "{}"))).isEmpty();
        assertThat(limiter.acquire(POLICY, call("a", "desk.get", "{}"))).isPresent();
    }

    @Test
    void aRefusalTakesNoTokenFromTheOtherLimits() {
        PolicyRequest search = call("a", "desk.search", "{}");
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(POLICY, search)).isEmpty();
        }
        // per-agent is used up; the per-tool bucket must still hold 7 tokens for others
        assertThat(limiter.acquire(POLICY, search)).isPresent();
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(POLICY, call("b", "desk.search", "{}"))).isEmpty();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(POLICY, call("c", "desk.search", "{}"))).isEmpty();
        }
        assertThat(limiter.acquire(POLICY, call("d", "desk.search", "{}"))).isEmpty(); // 10th search
        assertThat(limiter.acquire(POLICY, call("d", "desk.search", "{}")).orElseThrow().ruleId()).isEqualTo("searches");
    }

    @Test
    void tenantsNeverShareABucket() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(POLICY, call("a", "desk.get", "{}"));
        }
        PolicyRequest otherTenant = PolicyRequest.builder().tenant("globex").agent("a").tool("desk.get")
                .time(java.time.Instant.EPOCH).build();
        assertThat(limiter.acquire(POLICY, otherTenant)).isEmpty();
    }

    @Test
    void aChangedLimitStartsAFreshBucket_anUnchangedOneKeepsCounting() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire(POLICY, call("a", "desk.get", "{}"));
        }
        TenantPolicy same = Policies.of("""
                rules: [{id: all, effect: allow, tools: ["*"], agents: ["*"]}]
                rate_limits: [{id: per-agent, limit: 3/min}]
                """);
        assertThat(limiter.acquire(same, call("a", "desk.get", "{}"))).isPresent();
        TenantPolicy raised = Policies.of("""
                rules: [{id: all, effect: allow, tools: ["*"], agents: ["*"]}]
                rate_limits: [{id: per-agent, limit: 5/min}]
                """);
        assertThat(limiter.acquire(raised, call("a", "desk.get", "{}"))).isEmpty();
    }
}
