package dev.toolgate.gateway.admin;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.ApiKeyRepository;
import dev.toolgate.gateway.auth.KeyLookup;
import dev.toolgate.gateway.catalog.HttpAuth;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.IntegrationRepository;
import dev.toolgate.gateway.catalog.SecurityScheme;
import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.SecretRepository;
import dev.toolgate.gateway.skills.Skill;
import dev.toolgate.gateway.skills.SkillStore;
import dev.toolgate.gateway.skills.ToolPattern;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Skills of a tenant: create, delete, tools, attached secrets and key assignments. Every method
 * validates all its inputs first and writes nothing when any is bad; a change drops the tenant's
 * cached principals here at once (other instances load them again within
 * {@code toolgate.auth.cache-ttl}). Access control is the caller's job. Thread-safe.
 */
@Singleton
public class SkillOperations {
    public static final int MAX_DESCRIPTION_CHARS = 1000;
    public static final int MAX_TOOLS_PER_REQUEST = 100;

    private final SkillStore skills;
    private final IntegrationRepository integrations;
    private final SecretRepository secrets;
    private final ApiKeyRepository keys;
    private final KeyLookup principals;
    private final AdminOperations admin;
    private final ConnectedAccounts connections;
    private final Clock clock;

    public SkillOperations(SkillStore skills, IntegrationRepository integrations, SecretRepository secrets,
            ApiKeyRepository keys, KeyLookup principals, AdminOperations admin, ConnectedAccounts connections,
            Clock clock) {
        this.connections = requireNonNull(connections, "connections");
        this.skills = requireNonNull(skills, "skills");
        this.integrations = requireNonNull(integrations, "integrations");
        this.secrets = requireNonNull(secrets, "secrets");
        this.keys = requireNonNull(keys, "keys");
        this.principals = requireNonNull(principals, "principals");
        this.admin = requireNonNull(admin, "admin");
        this.clock = requireNonNull(clock, "clock");
    }

    public SkillStore.Listed create(String tenant, String name, String description, List<String> tools) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("name", name).ifPresent(problems::add);
        if (description.length() > MAX_DESCRIPTION_CHARS) {
            problems.add(new FieldViolation("description", "description is longer than " + MAX_DESCRIPTION_CHARS
                    + " chars"));
        }
        Identifiers.requireNoViolations(problems);
        admin.requireTenant(tenant);
        List<ToolPattern> patterns = patterns(tenant, tools, true);
        if (skills.find(tenant, name).isPresent()) {
            throw GatewayException.alreadyExists("SKILL_EXISTS", "skill '" + name + "' already exists in tenant '"
                    + tenant + "'");
        }
        Skill skill = new Skill(Identifiers.newId("skl"), tenant, name, description, List.of(), Map.of(),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
        skills.insert(skill);
        if (!patterns.isEmpty()) {
            skills.addTools(skill, patterns);
        }
        return reload(skill);
    }

    public void delete(String tenant, String name) {
        Skill skill = require(tenant, name);
        skills.delete(skill);
        // users' connections made under it go with it: a skill created later under the same name starts unconnected
        connections.forgetSkill(tenant, skill.name());
        principals.forgetTenant(tenant);
    }

    public List<SkillStore.Listed> list(String tenant) {
        admin.requireTenant(tenant);
        return skills.list(tenant);
    }

    public SkillStore.Listed addTools(String tenant, String name, List<String> tools) {
        Skill skill = require(tenant, name);
        skills.addTools(skill, patterns(tenant, tools, false));
        return changed(skill);
    }

    public SkillStore.Listed removeTools(String tenant, String name, List<String> tools) {
        Skill skill = require(tenant, name);
        List<ToolPattern> patterns = patterns(tenant, tools, false);
        List<String> absent = patterns.stream().filter(p -> !skill.tools().contains(p)).map(ToolPattern::text).toList();
        if (!absent.isEmpty()) {
            throw GatewayException.notFound("SKILL_TOOL_NOT_FOUND", "skill '" + name + "' has no tool entry "
                    + absent + "; its entries are " + skill.tools(), List.of());
        }
        skills.removeTools(skill, patterns);
        return changed(skill);
    }

    /**
     * Attaches secret {@code secret} to credential slot {@code slot} of HTTP integration
     * {@code integration}: calls under the skill use it for that slot, and nothing else does
     * through the skill.
     */
    public SkillStore.Listed attachSecret(String tenant, String name, String integration, String slot, String secret) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        Identifiers.checkName("slot", slot).ifPresent(problems::add);
        Identifiers.checkName("secret", secret).ifPresent(problems::add);
        Identifiers.requireNoViolations(problems);
        Skill skill = require(tenant, name);
        IntegrationEntity found = integration(tenant, integration);
        if (found.integrationKind().orElse(null) != IntegrationKind.HTTP) {
            throw GatewayException.failedPrecondition("SKILL_SECRET_UNSUPPORTED", "integration '" + integration
                    + "' is of kind '" + found.kind() + "': its credentials belong to its connection; only HTTP"
                    + " integrations take secrets per skill");
        }
        Set<String> slots = slots(found);
        if (!slots.contains(slot)) {
            throw GatewayException.invalidArgument("slot", "integration '" + integration + "' has no credential slot '"
                    + slot + "'; its slots (the secret names its auth and security schemes use) are " + slots);
        }
        if (secrets.findByTenantIdAndName(tenant, secret).isEmpty()) {
            throw GatewayException.notFound("SECRET_NOT_FOUND", "secret '" + secret + "' does not exist in tenant '"
                    + tenant + "'; store it with PutSecret first", List.of());
        }
        skills.attachSecret(skill, integration, slot, secret);
        return changed(skill);
    }

    public SkillStore.Listed detachSecret(String tenant, String name, String integration, String slot) {
        Skill skill = require(tenant, name);
        if (!skills.detachSecret(skill, integration, slot)) {
            throw GatewayException.notFound("SKILL_SECRET_NOT_FOUND", "skill '" + name + "' has no secret attached to"
                    + " slot '" + Identifiers.abbreviate(slot) + "' of integration '" + Identifiers.abbreviate(integration)
                    + "'", List.of());
        }
        return changed(skill);
    }

    public SkillStore.Listed assign(String tenant, String keyId, String name) {
        Skill skill = require(tenant, name);
        requireKey(tenant, keyId);
        skills.assign(keyId, skill);
        return changed(skill);
    }

    public SkillStore.Listed unassign(String tenant, String keyId, String name) {
        Skill skill = require(tenant, name);
        requireKey(tenant, keyId);
        if (!skills.unassign(keyId, skill)) {
            throw GatewayException.notFound("SKILL_NOT_ASSIGNED", "skill '" + name + "' is not assigned to API key '"
                    + keyId + "'", List.of());
        }
        return changed(skill);
    }

    /** The credential slots of an HTTP integration: the secret names its auth and its security schemes use. */
    static Set<String> slots(IntegrationEntity integration) {
        Set<String> slots = new TreeSet<>();
        if (integration.auth().kind() != HttpAuth.Kind.NONE) {
            slots.add(integration.auth().secret());
        }
        for (SecurityScheme s : integration.schemes().byName().values()) {
            if (s.type() != SecurityScheme.Type.UNSUPPORTED && !s.secret().isEmpty()) {
                slots.add(s.secret());
            }
        }
        return slots;
    }

    private List<ToolPattern> patterns(String tenant, List<String> tools, boolean mayBeEmpty) {
        if (tools.isEmpty() && !mayBeEmpty) {
            throw GatewayException.invalidArgument("tools", "tools is required: integration names or tool-name globs");
        }
        if (tools.size() > MAX_TOOLS_PER_REQUEST) {
            throw GatewayException.invalidArgument("tools", "at most " + MAX_TOOLS_PER_REQUEST + " tool entries per"
                    + " request, but got " + tools.size());
        }
        Set<ToolPattern> patterns = new LinkedHashSet<>();
        for (String t : tools) {
            patterns.add(ToolPattern.parse(t));
        }
        for (ToolPattern p : patterns) {
            if (p.isIntegration()) {
                integration(tenant, p.text()); // a typo in an integration name is refused, not kept as matching nothing
            }
        }
        return List.copyOf(patterns);
    }

    private IntegrationEntity integration(String tenant, String name) {
        return integrations.findByTenantIdAndName(tenant, name).orElseThrow(() -> GatewayException.notFound(
                "INTEGRATION_NOT_FOUND", "integration '" + Identifiers.abbreviate(name) + "' does not exist in tenant '"
                        + tenant + "'", List.of()));
    }

    private Skill require(String tenant, String name) {
        admin.requireTenant(tenant);
        return skills.find(tenant, name).orElseThrow(() -> GatewayException.notFound("SKILL_NOT_FOUND", "skill '"
                + Identifiers.abbreviate(name) + "' does not exist in tenant '" + tenant + "'", List.of()));
    }

    private void requireKey(String tenant, String keyId) {
        if (keys.findByIdAndTenantId(keyId, tenant).filter(k -> !k.isRevoked()).isEmpty()) {
            throw GatewayException.notFound("API_KEY_NOT_FOUND", "API key '" + Identifiers.abbreviate(keyId)
                    + "' does not exist in tenant '" + tenant + "' or is revoked", List.of());
        }
    }

    private SkillStore.Listed changed(Skill skill) {
        principals.forgetTenant(skill.tenantId());
        return reload(skill);
    }

    private SkillStore.Listed reload(Skill skill) {
        Skill now = skills.find(skill.tenantId(), skill.name()).orElseThrow(() -> GatewayException.notFound(
                "SKILL_NOT_FOUND", "skill '" + skill.name() + "' was deleted meanwhile", List.of()));
        return new SkillStore.Listed(now, skills.keyIds(now));
    }
}
