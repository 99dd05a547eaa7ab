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

    /** Buckets "elsewhere": counted here in a map by key, or failing on every call. */
    private static final class OtherBuckets implements SharedBuckets {
        final java.util.Map<String, Long> left = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.List<String> givenBack = new java.util.concurrent.CopyOnWriteArrayList<>();
        boolean failing;

        @Override
        public long tryTake(String key, RateLimit limit) {
            if (failing) {
                throw new IllegalStateException("database unreachable");
            }
            long now = left.merge(key, limit.burst() - 1, (a, b) -> a - 1);
            return now >= 0 ? 0 : 5_000_000_000L;
        }

        @Override
        public void giveBack(String key, RateLimit limit) {
            givenBack.add(key);
            left.merge(key, 1L, Long::sum);
        }
    }

    @Test
    void withSharedBuckets_theyDecide_andTheirWaitIsTheRetryAfter() {
        OtherBuckets other = new OtherBuckets();
        RateLimiter shared = new RateLimiter(nanos::get, Optional.of(other));
        for (int i = 0; i < 3; i++) {
            assertThat(shared.acquire(POLICY, call("a", "desk.get", "{}"))).isEmpty();
        }
        Optional<Decision> refused = shared.acquire(POLICY, call("a", "desk.get", "{}"));
        assertThat(refused).hasValueSatisfying(d -> {
            assertThat(d.ruleId()).isEqualTo("per-agent");
            assertThat(d.retryAfter()).contains(Duration.ofSeconds(5));
        });
        assertThat(other.left).hasSize(1);
        assertThat(other.left.keySet().iterator().next()).contains("per-agent").contains("3/60000000000/3");
    }

    @Test
    void withSharedBuckets_aRefusalByOneLimit_givesTheOthersTokenBack() {
        OtherBuckets other = new OtherBuckets();
        RateLimiter shared = new RateLimiter(nanos::get, Optional.of(other));
        for (int i = 0; i < 3; i++) {
            assertThat(shared.acquire(POLICY, call("a", "desk.get", "{}"))).isEmpty();
        }
        assertThat(shared.acquire(POLICY, call("a", "desk.search", "{}"))).isPresent(); // per-agent refuses
        assertThat(other.givenBack).isEmpty(); // per-agent is checked first: nothing was taken before it
        for (int i = 0; i < 10; i++) {
            assertThat(shared.acquire(POLICY, call("b" + i, "desk.search", "{}"))).isEmpty();
        }
        assertThat(shared.acquire(POLICY, call("c", "desk.search", "{}"))).isPresent(); // searches used up
        assertThat(other.givenBack).hasSize(1).allSatisfy(k -> assertThat(k).contains("per-agent"));
    }

    @Test
    void sharedBucketsThatFail_areReplacedByCountingInThisInstance() {
        OtherBuckets other = new OtherBuckets();
        other.failing = true;
        RateLimiter shared = new RateLimiter(nanos::get, Optional.of(other));
        for (int i = 0; i < 3; i++) {
            assertThat(shared.acquire(POLICY, call("a", "desk.get", "{}"))).isEmpty();
        }
        assertThat(shared.acquire(POLICY, call("a", "desk.get", "{}"))).isPresent();
    }
}
