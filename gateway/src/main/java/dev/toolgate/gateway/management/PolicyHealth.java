package dev.toolgate.gateway.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.policy.PolicyEngine;
import dev.toolgate.policy.PolicySet;
import dev.toolgate.policy.Problem;
import java.nio.charset.StandardCharsets;

/**
 * The body of {@code GET /health}: {@code status} ({@code UP} while the database answers, else {@code DOWN})
 * and {@code policy}, the state of the policy in force after the last reload of the policy directory:
 * {@code status} {@code OK} (every unit's files were taken), {@code REJECTED} (the units listed under
 * {@code rejected}, each with its problems, keep their previous policy) or {@code ABSENT} (no directory:
 * every call is denied), plus the Git {@code commit} read when the directory is a checkout. The policy never
 * changes the HTTP status: an instance serving its last good policy still serves. Stateless.
 */
final class PolicyHealth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyHealth() {
    }

    static byte[] body(boolean databaseUp, PolicyEngine.Status status) {
        ObjectNode root = JSON.createObjectNode().put("status", databaseUp ? "UP" : "DOWN");
        ObjectNode policy = root.putObject("policy");
        policy.put("status", !status.directoryExists() ? "ABSENT" : status.rejected().isEmpty() ? "OK" : "REJECTED");
        status.gitCommit().ifPresent(c -> policy.put("commit", c));
        if (!status.rejected().isEmpty()) {
            ArrayNode rejected = policy.putArray("rejected");
            for (PolicySet.Rejection r : status.rejected()) {
                ArrayNode problems = rejected.addObject().put("unit", r.unit()).putArray("problems");
                r.problems().stream().map(Problem::toString).forEach(problems::add);
            }
        }
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the health body", e);
        }
    }
}
