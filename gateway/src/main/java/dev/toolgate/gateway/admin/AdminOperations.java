package dev.toolgate.gateway.admin;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.ApiKeyEntity;
import dev.toolgate.gateway.auth.ApiKeyFormat;
import dev.toolgate.gateway.auth.ApiKeyRepository;
import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.KeyLabels;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretEntity;
import dev.toolgate.gateway.secrets.SecretStore;
import dev.toolgate.gateway.tenancy.TenantEntity;
import dev.toolgate.gateway.tenancy.TenantRepository;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tenants, API keys and secrets. Every method validates all its inputs first and writes
 * nothing when any is bad. Access control is the caller's job (see {@code AdminAccess}).
 */
@Singleton
public class AdminOperations {
    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final SecretStore secrets;
    private final Clock clock;
    private final Authenticator authenticator;

    public AdminOperations(TenantRepository tenants, ApiKeyRepository keys, SecretStore secrets, Clock clock,
            Authenticator authenticator) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.tenants = requireNonNull(tenants, "tenants");
        this.keys = requireNonNull(keys, "keys");
        this.secrets = requireNonNull(secrets, "secrets");
        this.clock = requireNonNull(clock, "clock");
    }

    public TenantEntity createTenant(String id, String displayName) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("id", id).ifPresent(problems::add);
        if (displayName.length() > 200) {
            problems.add(new FieldViolation("display_name", "display_name is longer than 200 chars"));
        }
        Identifiers.requireNoViolations(problems);
        if (tenants.existsById(id)) {
            throw GatewayException.alreadyExists("TENANT_EXISTS", "tenant '" + id + "' already exists");
        }
        return tenants.save(new TenantEntity(id, displayName.isBlank() ? id : displayName, clock.instant()));
    }

    public boolean tenantExists(String id) {
        return tenants.existsById(id);
    }

    public IssuedKey createApiKey(String tenant, String agentId, Collection<String> requestedScopes) {
        return createApiKey(tenant, agentId, requestedScopes, Map.of());
    }

    /** Issues a key; {@code labels} are facts about the agent that policies can test. */
    public IssuedKey createApiKey(String tenant, String agentId, Collection<String> requestedScopes,
            Map<String, String> labels) {
        List<FieldViolation> problems = new ArrayList<>();
        problems.addAll(KeyLabels.check(labels));
        if (!Identifiers.AGENT_ID.matcher(agentId).matches()) {
            problems.add(new FieldViolation("agent_id",
                    "agent_id is required: 1-128 chars of letters, digits and . _ : @ -, e.g. support-bot"));
        }
        Set<String> scopes = new TreeSet<>(requestedScopes.isEmpty() ? Scopes.DEFAULT : requestedScopes);
        if (scopes.size() > Scopes.MAX_PER_KEY) {
            problems.add(new FieldViolation("scopes", "at most " + Scopes.MAX_PER_KEY + " scopes per key, but got "
                    + scopes.size()));
        }
        for (String scope : scopes) {
            if (!Scopes.SYNTAX.matcher(scope).matches()) {
                problems.add(new FieldViolation("scopes", "scope '" + Identifiers.abbreviate(scope)
                        + "' must be 1-64 chars of lower-case letters, digits and . _ : -"));
            }
        }
        Identifiers.requireNoViolations(problems);
        requireTenant(tenant);
        String key = ApiKeyFormat.generate();
        String id = Identifiers.newId("key");
        keys.save(new ApiKeyEntity(id, tenant, agentId, ApiKeyFormat.hash(key), String.join(" ", scopes),
                clock.instant(), null, KeyLabels.toJson(labels)));
        return new IssuedKey(id, key, tenant, agentId, Set.copyOf(scopes));
    }

    public void revokeApiKey(String tenant, String keyId) {
        long revoked = keys.revoke(keyId, tenant, clock.instant());
        authenticator.forgetKey(keyId);
        if (revoked == 0) {
            ApiKeyEntity existing = keys.findByIdAndTenantId(keyId, tenant).orElseThrow(() ->
                    GatewayException.notFound("API_KEY_NOT_FOUND", "API key '" + Identifiers.abbreviate(keyId)
                            + "' does not exist in tenant '" + tenant + "'", List.of()));
            if (!existing.isRevoked()) {
                throw new IllegalStateException("key " + keyId + " neither revoked nor revocable");
            }
        }
    }

    public SecretEntity putSecret(String tenant, String name, String value) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("name", name).ifPresent(problems::add);
        if (value.isEmpty()) {
            problems.add(new FieldViolation("value", "value is required"));
        } else if (value.length() > SecretStore.MAX_VALUE_CHARS) {
            problems.add(new FieldViolation("value", "value is longer than " + SecretStore.MAX_VALUE_CHARS + " chars"));
        } else if (isPem(value)) {
            if (!value.chars().allMatch(c -> (c >= 0x20 && c <= 0x7e) || c == '\n' || c == '\r')) {
                problems.add(new FieldViolation("value", "a PEM value must be ASCII text"));
            }
        } else if (!value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            // credentials travel in HTTP headers: printable ASCII (spaces too: "Bearer <token>" API keys)
            problems.add(new FieldViolation("value",
                    "value must be printable ASCII characters only (no line breaks, control characters or"
                            + " non-ASCII), or a PEM document (TLS client certificate and key)"));
        }
        Identifiers.requireNoViolations(problems);
        requireTenant(tenant);
        return secrets.put(tenant, name, value);
    }

    /** PEM documents (client certificates and keys for mutual TLS) are the only multi-line secrets. */
    private static boolean isPem(String value) {
        return value.startsWith("-----BEGIN ") && value.strip().endsWith("-----");
    }

    public void deleteSecret(String tenant, String name) {
        if (!secrets.delete(tenant, name)) {
            throw GatewayException.notFound("SECRET_NOT_FOUND", "secret '" + Identifiers.abbreviate(name)
                    + "' does not exist in tenant '" + tenant + "'", List.of());
        }
    }

    /** Refuses ({@code NOT_FOUND}, {@code TENANT_NOT_FOUND}) a tenant that does not exist. */
    public void requireTenant(String tenant) {
        if (!tenants.existsById(tenant)) {
            throw GatewayException.notFound("TENANT_NOT_FOUND", "tenant '" + Identifiers.abbreviate(tenant)
                    + "' does not exist", List.of());
        }
    }
}
