package dev.toolgate.gateway.skills;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.upstream.CredentialScope;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A named bundle of one tenant: the tools it includes and the secret attached to each
 * credential slot ({@link CredentialScope#slot(String, String) integration/slot} → secret name).
 * Immutable.
 */
public record Skill(String id, String tenantId, String name, String description, List<ToolPattern> tools,
        Map<String, String> secrets, Instant createdAt) {
    public Skill {
        requireNonNull(id, "id");
        requireNonNull(tenantId, "tenantId");
        requireNonNull(name, "name");
        requireNonNull(description, "description");
        tools = List.copyOf(requireNonNull(tools, "tools"));
        secrets = Map.copyOf(requireNonNull(secrets, "secrets"));
        requireNonNull(createdAt, "createdAt");
    }

    public boolean includes(ToolDefinition tool) {
        for (ToolPattern p : tools) {
            if (p.matches(tool)) {
                return true;
            }
        }
        return false;
    }

    /** The credentials a call under this skill may use: its attached secrets only. */
    public CredentialScope credentials() {
        return new CredentialScope(name, secrets);
    }
}
