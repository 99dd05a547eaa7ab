package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Test helpers: a tenant policy from YAML text, and requests. */
final class Policies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Policies() {
    }

    static TenantPolicy of(String yaml) {
        List<Problem> problems = new ArrayList<>();
        PolicyFile file = PolicyParser.parse("acme.yaml", yaml, "acme", problems)
                .orElseThrow(() -> new PolicyException(problems));
        return TenantPolicy.compile("acme", "test", List.of(file), problems).orElseThrow(() -> new PolicyException(problems));
    }

    static PolicyRequest call(String agent, String tool, String argsJson) {
        return request(agent, Set.of("tools:call"), tool, argsJson);
    }

    static PolicyRequest request(String agent, Set<String> scopes, String tool, String argsJson) {
        try {
            JsonNode args = JSON.readTree(argsJson);
            return PolicyRequest.builder().tenant("acme").agent(agent).scopes(scopes).tool(tool).arguments(args)
                    .time(Instant.parse("2025-01-06T12:00:00Z")).build();
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
