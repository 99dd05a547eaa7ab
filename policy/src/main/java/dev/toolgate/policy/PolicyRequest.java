package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The facts one decision is made on: who calls which tool with which arguments, when.
 * Immutable; built with {@link #builder()}, which fails fast on missing facts.
 *
 * @param integration the tool's integration ({@code desk})
 * @param tool        the tool's own name ({@code create_case})
 * @param arguments   the validated arguments (a JSON object)
 * @param sessionId   empty when the call has no session
 * @param history     the session's earlier calls, asked for only when a condition reads {@code session}
 * @param skill       the skill of the agent's key the call runs under; empty for a key without skills
 * @param userId      the end user the agent acts for ({@code user.id}); empty when the call names none
 * @param userClaims  that user's verified token claims ({@code user.claims}), a JSON object; empty for an
 *                    asserted user id or no user
 * @param compensates the call id of the call this call compensates ({@code call.compensation} is true);
 *                    empty for an ordinary call
 */
public record PolicyRequest(
        String tenant,
        String agentId,
        Set<String> scopes,
        Map<String, String> labels,
        String integration,
        String tool,
        ToolTraits traits,
        JsonNode arguments,
        String sessionId,
        Instant time,
        Supplier<SessionHistory> history,
        String skill,
        String userId,
        JsonNode userClaims,
        String compensates) {

    public PolicyRequest {
        requireNonNull(tenant, "tenant");
        requireNonNull(agentId, "agentId");
        scopes = Set.copyOf(requireNonNull(scopes, "scopes"));
        labels = Map.copyOf(requireNonNull(labels, "labels"));
        requireNonNull(integration, "integration");
        requireNonNull(tool, "tool");
        requireNonNull(traits, "traits");
        requireNonNull(arguments, "arguments");
        requireNonNull(sessionId, "sessionId");
        requireNonNull(time, "time");
        requireNonNull(history, "history");
        requireNonNull(skill, "skill");
        requireNonNull(userId, "userId");
        requireNonNull(userClaims, "userClaims");
        requireNonNull(compensates, "compensates");
        if (!userClaims.isObject()) {
            throw new IllegalArgumentException("userClaims must be a JSON object, but was " + userClaims.getNodeType());
        }
    }

    /** As before compensations existed: an ordinary call. */
    public PolicyRequest(String tenant, String agentId, Set<String> scopes, Map<String, String> labels,
            String integration, String tool, ToolTraits traits, JsonNode arguments, String sessionId, Instant time,
            Supplier<SessionHistory> history, String skill, String userId, JsonNode userClaims) {
        this(tenant, agentId, scopes, labels, integration, tool, traits, arguments, sessionId, time, history, skill,
                userId, userClaims, "");
    }

    /** {@code integration.tool}, the name rules' tool patterns match. */
    public String qualifiedTool() {
        return integration + "." + tool;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String tenant;
        private String agentId;
        private Set<String> scopes = Set.of();
        private Map<String, String> labels = Map.of();
        private String integration;
        private String tool;
        private ToolTraits traits = ToolTraits.NONE;
        private JsonNode arguments = JsonNodeFactory.instance.objectNode();
        private String sessionId = "";
        private Instant time;
        private Supplier<SessionHistory> history = () -> SessionHistory.EMPTY;
        private String skill = "";
        private String userId = "";
        private JsonNode userClaims = JsonNodeFactory.instance.objectNode();
        private String compensates = "";

        private Builder() {
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder agent(String agentId) {
            this.agentId = agentId;
            return this;
        }

        public Builder scopes(Set<String> scopes) {
            this.scopes = scopes;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        /** Sets integration and tool from {@code integration.tool}. */
        public Builder tool(String qualifiedName) {
            int dot = requireNonNull(qualifiedName, "qualifiedName").indexOf('.');
            if (dot <= 0 || dot == qualifiedName.length() - 1) {
                throw new IllegalArgumentException("a tool is named integration.tool, but got '" + qualifiedName + "'");
            }
            return tool(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
        }

        public Builder tool(String integration, String tool) {
            this.integration = integration;
            this.tool = tool;
            return this;
        }

        public Builder traits(ToolTraits traits) {
            this.traits = traits;
            return this;
        }

        public Builder arguments(JsonNode arguments) {
            this.arguments = arguments;
            return this;
        }

        public Builder session(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        /** Where the session's history comes from (a query; called at most once, and only when needed). */
        public Builder history(Supplier<SessionHistory> history) {
            this.history = history;
            return this;
        }

        /** The skill the call runs under; empty (the default) for a key without skills. */
        public Builder skill(String skill) {
            this.skill = skill;
            return this;
        }

        /** The end user of the call and the claims of its verified token (an empty object when none). */
        public Builder user(String userId, JsonNode userClaims) {
            this.userId = requireNonNull(userId, "userId");
            this.userClaims = requireNonNull(userClaims, "userClaims");
            return this;
        }

        /** The call id of the call this one compensates (CompensateSession); empty for an ordinary call. */
        public Builder compensates(String callId) {
            this.compensates = requireNonNull(callId, "callId");
            return this;
        }

        public Builder time(Instant time) {
            this.time = time;
            return this;
        }

        public PolicyRequest build() {
            return new PolicyRequest(tenant, agentId, scopes, labels, integration, tool, traits, arguments,
                    sessionId, time, history, skill, userId, userClaims, compensates);
        }
    }
}
