package dev.toolgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import dev.cel.runtime.CelVariableResolver;
import dev.toolgate.policy.context.Agent;
import dev.toolgate.policy.context.Call;
import dev.toolgate.policy.context.Request;
import dev.toolgate.policy.context.Session;
import dev.toolgate.policy.context.Skill;
import dev.toolgate.policy.context.Tool;
import dev.toolgate.policy.context.ToolAnnotations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The variables of one decision, built lazily: a call whose rules have no condition, or whose
 * conditions read only {@code args}, never builds the others. One instance serves one
 * decision (not thread-safe, not shared).
 */
final class ConditionFacts implements CelVariableResolver {
    private final PolicyRequest request;
    private Map<String, Object> args;
    private Agent agent;
    private Tool tool;
    private Session session;
    private Request time;
    private Map<String, Object> user;

    ConditionFacts(PolicyRequest request) {
        this.request = request;
    }

    @Override
    public Optional<Object> find(String name) {
        return Optional.ofNullable(switch (name) {
            case "args" -> args();
            case "agent" -> agent();
            case "tool" -> tool();
            case "tenant" -> request.tenant();
            case "session" -> session();
            case "request" -> request();
            case "skill" -> Skill.newBuilder().setName(request.skill()).build();
            case "user" -> user();
            case "call" -> Call.newBuilder().setCompensation(!request.compensates().isEmpty())
                    .setCompensates(request.compensates()).build();
            default -> null;
        });
    }

    private Map<String, Object> args() {
        if (args == null) {
            args = request.arguments().isObject() ? objectOf(request.arguments()) : Map.of();
        }
        return args;
    }

    private Agent agent() {
        if (agent == null) {
            agent = Agent.newBuilder().setId(request.agentId()).addAllScopes(request.scopes().stream().sorted().toList())
                    .putAllLabels(request.labels()).build();
        }
        return agent;
    }

    private Map<String, Object> user() {
        if (user == null) {
            user = Map.of("id", request.userId(), "claims", objectOf(request.userClaims()));
        }
        return user;
    }

    private Tool tool() {
        if (tool == null) {
            ToolTraits t = request.traits();
            tool = Tool.newBuilder().setName(request.tool()).setIntegration(request.integration())
                    .setAnnotations(ToolAnnotations.newBuilder().setReadOnly(t.readOnly()).setDestructive(t.destructive())
                            .setIdempotent(t.idempotent()).setOpenWorld(t.openWorld())
                            .setRequiresConfirmation(t.requiresConfirmation()))
                    .build();
        }
        return tool;
    }

    private Session session() {
        if (session == null) {
            Session.Builder b = Session.newBuilder().setId(request.sessionId());
            if (!request.sessionId().isEmpty()) {
                SessionHistory h = request.history().get();
                b.setCalls(h.calls()).setThisToolCalls(h.callsOf(request.qualifiedTool()))
                        .putAllToolCalls(h.callsByTool());
            }
            session = b.build();
        }
        return session;
    }

    private Request request() {
        if (time == null) {
            time = Request.newBuilder().setTime(Timestamp.newBuilder()
                    .setSeconds(request.time().getEpochSecond()).setNanos(request.time().getNano())).build();
        }
        return time;
    }

    /** JSON as CEL values: integers as int (long), other numbers as double, null as CEL null. */
    static Object valueOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> objectOf(node);
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(item -> list.add(valueOf(item)));
                yield Collections.unmodifiableList(list);
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
            case NULL, MISSING -> com.google.protobuf.NullValue.NULL_VALUE;
            default -> node.asText();
        };
    }

    private static Map<String, Object> objectOf(JsonNode node) {
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), valueOf(e.getValue())));
        return Collections.unmodifiableMap(map);
    }
}
