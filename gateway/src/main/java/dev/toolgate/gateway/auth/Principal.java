package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.skills.KeySkills;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling: a tenant's agent with scopes, labels and the skills its key is assigned, or the
 * bootstrap admin (no tenant of its own, administers every tenant, calls no tools). Immutable.
 */
public record Principal(String tenantId, String agentId, String keyId, Set<String> scopes, Map<String, String> labels,
        boolean bootstrapAdmin, KeySkills skills) {
    /** Tenant id of the bootstrap admin; no real tenant can have it (names have no leading '_'). */
    public static final String SYSTEM_TENANT = "_system";

    public Principal {
        requireNonNull(tenantId, "tenantId");
        requireNonNull(agentId, "agentId");
        requireNonNull(keyId, "keyId");
        scopes = Set.copyOf(requireNonNull(scopes, "scopes"));
        labels = Map.copyOf(requireNonNull(labels, "labels"));
        requireNonNull(skills, "skills");
    }

    /** A principal whose key is assigned no skill (tenant-wide). */
    public Principal(String tenantId, String agentId, String keyId, Set<String> scopes, Map<String, String> labels,
            boolean bootstrapAdmin) {
        this(tenantId, agentId, keyId, scopes, labels, bootstrapAdmin, KeySkills.TENANT_WIDE);
    }

    public static Principal ofBootstrapAdmin() {
        return new Principal(SYSTEM_TENANT, "bootstrap-admin", "bootstrap", Set.of(Scopes.ADMIN), Map.of(), true);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /** True for the bootstrap admin and for admin-scoped keys of that very tenant. */
    public boolean canAdminister(String tenant) {
        return bootstrapAdmin || (hasScope(Scopes.ADMIN) && tenantId.equals(tenant));
    }
}
