package dev.toolgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * Which secrets a call may use for its integration's credential slots (a slot is the secret
 * name an integration's auth or security scheme names). {@link #TENANT} — a key with no
 * skills — uses the tenant's secret of that very name, as before skills existed. A skill's
 * scope uses only the secrets attached to that skill: a slot with no attachment has no
 * credential, never the tenant's. Immutable.
 *
 * @param skill   the skill's name; empty for {@link #TENANT}
 * @param secrets secret name by {@link #slot(String, String) slot key}
 */
public record CredentialScope(String skill, Map<String, String> secrets) {
    /** The tenant-wide scope of a key that is assigned no skill. */
    public static final CredentialScope TENANT = new CredentialScope("", Map.of());

    public CredentialScope {
        requireNonNull(skill, "skill");
        secrets = Map.copyOf(requireNonNull(secrets, "secrets"));
        if (skill.isEmpty() && !secrets.isEmpty()) {
            throw new IllegalArgumentException("the tenant-wide scope has no attached secrets");
        }
    }

    /** The key of slot {@code slot} of integration {@code integration} in {@link #secrets()}. */
    public static String slot(String integration, String slot) {
        return integration + "/" + slot;
    }

    public boolean tenantWide() {
        return skill.isEmpty();
    }

    /** The name of the secret to use for the slot; empty when this skill attached none. */
    public Optional<String> secretFor(String integration, String slot) {
        return tenantWide() ? Optional.of(slot) : Optional.ofNullable(secrets.get(slot(integration, slot)));
    }

    /** {@code skill 'x'} or {@code the tenant}, for messages. */
    public String describe() {
        return tenantWide() ? "the tenant" : "skill '" + skill + "'";
    }
}
