package dev.toolgate.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolgate.policy.Decision;
import dev.toolgate.policy.PolicyFile;
import dev.toolgate.policy.PolicyParser;
import dev.toolgate.policy.PolicyRequest;
import dev.toolgate.policy.Problem;
import dev.toolgate.policy.RateLimiter;
import dev.toolgate.policy.TenantPolicy;
import dev.toolgate.policy.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A tenant policy decision at 1, 100 and 10,000 rules. The rules are spread over 50
 * integrations with literal, {@code integration.*} and a few scanned ({@code *.delete_*})
 * tool patterns and several agent globs; every third has a CEL condition on the arguments.
 * Calls rotate over 64 (tool, agent) pairs, so the rule index answers from its memory of
 * each pair as it does in production. Arguments are parsed once (parsing is measured by
 * {@link ArgumentValidationBench}). Baseline in the same run: one HashMap lookup of the tool name.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyDecisionBench {
    @Param({"1", "100", "10000"})
    public int rules;

    private TenantPolicy policy;
    private RateLimiter limiter;
    private PolicyRequest[] allowed;
    private PolicyRequest[] denied;
    private Map<String, Integer> plain;
    private int next;

    @Setup
    public void setUp() throws Exception {
        StringBuilder yaml = new StringBuilder("rules:\n");
        // the rule every measured allowed call matches: a condition on an argument
        yaml.append("""
                  - id: refunds
                    effect: allow
                    tools: ["int0.refund_*"]
                    agents: ["support-*"]
                    when: args.amount <= 100 && args.currency in ["EUR", "USD"]
                  - id: no-deletes
                    effect: deny
                    tools: ["*.delete_*"]
                    agents: ["*"]
                """);
        for (int i = 2; i < rules; i++) {
            String tools = switch (i % 3) {
                case 0 -> "int" + (i % 50) + ".tool_" + i;
                case 1 -> "int" + (i % 50) + ".get_*";
                default -> i % 30 == 2 ? "*.archive_" + i : "int" + (i % 50) + ".list_" + i;
            };
            yaml.append("  - id: r").append(i).append("\n    effect: ").append(i % 10 == 0 ? "deny" : "allow")
                    .append("\n    tools: [\"").append(tools).append("\"]\n    agents: [\"")
                    .append(i % 4 == 0 ? "*" : "agent-" + (i % 7) + "*").append("\"]\n");
            if (i % 3 == 0) {
                yaml.append("    when: args.amount > ").append(i).append('\n');
            }
        }
        yaml.append("rate_limits:\n  - id: generous\n    limit: 100000000/s\n");
        List<Problem> problems = new ArrayList<>();
        PolicyFile file = PolicyParser.parse("bench.yaml", yaml.toString(), "bench", problems)
                .orElseThrow(() -> new IllegalStateException(problems.toString()));
        policy = TenantPolicy.compile("bench", "bench", List.of(file), problems)
                .orElseThrow(() -> new IllegalStateException(problems.toString()));
        limiter = new RateLimiter(System::nanoTime);

        ObjectMapper json = new ObjectMapper();
        JsonNode args = json.readTree("{\"order_id\":\"A-1\",\"amount\":42.5,\"currency\":\"EUR\"}");
        Instant now = Instant.parse("2025-01-06T12:00:00Z");
        allowed = new PolicyRequest[64];
        denied = new PolicyRequest[64];
        plain = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            allowed[i] = PolicyRequest.builder().tenant("bench").agent("support-" + (i % 8)).scopes(Set.of("tools:call"))
                    .tool("int0", "refund_" + (i % 8)).arguments(args).time(now).build();
            denied[i] = PolicyRequest.builder().tenant("bench").agent("intruder-" + (i % 8)).scopes(Set.of("tools:call"))
                    .tool("int" + (i % 50), "create_" + i).arguments(args).time(now).build();
            plain.put(allowed[i].qualifiedTool(), i);
        }
        for (PolicyRequest r : allowed) {
            if (policy.decide(r).verdict() != Verdict.ALLOW) {
                throw new IllegalStateException("expected allow for " + r.qualifiedTool() + ": " + policy.decide(r));
            }
        }
        for (PolicyRequest r : denied) {
            if (policy.decide(r).verdict() != Verdict.DENY) {
                throw new IllegalStateException("expected deny for " + r.qualifiedTool());
            }
        }
    }

    /** An allowed call: index lookup plus one CEL condition on the arguments. */
    @Benchmark
    public Decision decideAllowed() {
        return policy.decide(allowed[next++ & 63]);
    }

    /** A call no rule allows (default deny), with its reason string. */
    @Benchmark
    public Decision decideDefaultDeny() {
        return policy.decide(denied[next++ & 63]);
    }

    /** An allowed call plus the rate limiter (a limit that never refuses). */
    @Benchmark
    public Optional<Decision> decideAllowedAndRateLimit() {
        PolicyRequest r = allowed[next++ & 63];
        policy.decide(r);
        return limiter.acquire(policy, r);
    }

    @Benchmark
    public Integer baselineHashMapGet() {
        return plain.get(allowed[next++ & 63].qualifiedTool());
    }
}
