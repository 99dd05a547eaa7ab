package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How a tenant's people sign in to the console with the tenant's OpenID Connect provider: its
 * issuer, the tenant's client there (the secret is a tenant secret, named), the scopes asked for
 * besides {@code openid}, the ID token claim that lists the person's groups, and which groups hold
 * which {@link ConsoleRole}. Immutable; {@link #of} refuses bad settings naming every bad field.
 */
public record ConsoleSignIn(String tenant, URI issuer, String clientId, String clientSecretName, String scopes,
        String groupsClaim, Map<ConsoleRole, Set<String>> groups) {
    /** The claim read when none is set. */
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    static final int MAX_GROUPS = 100;
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,128}");

    public ConsoleSignIn {
        requireNonNull(tenant, "tenant");
        requireNonNull(issuer, "issuer");
        requireNonNull(clientId, "clientId");
        requireNonNull(clientSecretName, "clientSecretName");
        requireNonNull(scopes, "scopes");
        requireNonNull(groupsClaim, "groupsClaim");
        EnumMap<ConsoleRole, Set<String>> copy = new EnumMap<>(ConsoleRole.class);
        for (ConsoleRole r : ConsoleRole.values()) {
            copy.put(r, Set.copyOf(requireNonNull(groups, "groups").getOrDefault(r, Set.of())));
        }
        groups = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Checked settings.
     *
     * @throws dev.toolgate.gateway.error.GatewayException INVALID_ARGUMENT naming each bad field
     */
    public static ConsoleSignIn of(String tenant, String issuer, String clientId, String clientSecretName,
            String scopes, String groupsClaim, Map<ConsoleRole, ? extends Collection<String>> groups) {
        List<FieldViolation> problems = new ArrayList<>();
        URI issuerUri = null;
        try {
            URI u = URI.create(issuer);
            if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    && issuer.length() <= 2048 && u.getQuery() == null && u.getFragment() == null) {
                issuerUri = u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (issuerUri == null) {
            problems.add(new FieldViolation("issuer", "issuer must be the provider's absolute http(s) issuer URL"
                    + " without query or fragment, e.g. https://login.example.com (or empty to use the tenant's"
                    + " identity provider), but was '" + Identifiers.abbreviate(issuer) + "'"));
        }
        if (clientId.isBlank() || clientId.length() > 512) {
            problems.add(new FieldViolation("client_id", "client_id is required (at most 512 chars): the tenant's"
                    + " client at the provider"));
        }
        if (Identifiers.checkName("client_secret", clientSecretName).isPresent()) {
            problems.add(new FieldViolation("client_secret", "client_secret must name a secret of the tenant"
                    + " (PutSecret), e.g. console_client_secret"));
        }
        Set<String> scopeSet = new LinkedHashSet<>();
        for (String s : scopes.strip().split("\\s+")) {
            if (!s.isEmpty() && !s.equals("openid")) {
                scopeSet.add(s);
            }
        }
        if (scopes.length() > 1024 || scopeSet.stream().anyMatch(s -> !SCOPE.matcher(s).matches())) {
            problems.add(new FieldViolation("scopes", "scopes must be space-separated OAuth scope tokens, at most"
                    + " 1024 chars, e.g. 'profile email groups'"));
        }
        String claim = groupsClaim.isBlank() ? DEFAULT_GROUPS_CLAIM : groupsClaim.strip();
        if (!CLAIM.matcher(claim).matches()) {
            problems.add(new FieldViolation("groups_claim", "groups_claim must be a claim name (1-128 letters,"
                    + " digits and _ . : / -), e.g. groups"));
        }
        Map<ConsoleRole, Set<String>> mapped = new EnumMap<>(ConsoleRole.class);
        int total = 0;
        for (ConsoleRole role : ConsoleRole.values()) {
            Set<String> names = new TreeSet<>();
            Collection<String> listed = groups.get(role);
            for (String g : listed == null ? List.<String>of() : listed) {
                String name = g.strip();
                if (name.isEmpty() || name.length() > 256) {
                    problems.add(new FieldViolation(field(role), field(role) + " must list group names of 1-256"
                            + " chars"));
                } else {
                    names.add(name);
                }
            }
            total += names.size();
            mapped.put(role, names);
        }
        if (total == 0) {
            problems.add(new FieldViolation("admin_groups", "no group holds a console role: name at least one group"
                    + " in admin_groups, approver_groups, auditor_groups or user_groups"));
        } else if (total > MAX_GROUPS) {
            problems.add(new FieldViolation("admin_groups", "at most " + MAX_GROUPS + " groups may be mapped, but"
                    + " were " + total));
        }
        Identifiers.requireNoViolations(problems);
        return new ConsoleSignIn(tenant, issuerUri, clientId, clientSecretName, String.join(" ", scopeSet), claim,
                mapped);
    }

    /** The request field of a role's groups, e.g. {@code approver_groups}. */
    static String field(ConsoleRole role) {
        return role.name().toLowerCase(java.util.Locale.ROOT) + "_groups";
    }

    /** The issuer as text, without a trailing slash added or removed (the exact {@code iss}). */
    public String issuerText() {
        return issuer.toString();
    }

    /** The roles these groups hold; empty when none of them is mapped. */
    public Set<ConsoleRole> roles(Collection<String> memberOf) {
        Set<ConsoleRole> out = java.util.EnumSet.noneOf(ConsoleRole.class);
        groups.forEach((role, names) -> {
            if (memberOf.stream().anyMatch(names::contains)) {
                out.add(role);
            }
        });
        return out;
    }

    /** The scopes asked for: {@code openid} first, then the configured ones. */
    public String requestedScopes() {
        return scopes.isEmpty() ? "openid" : "openid " + scopes;
    }
}
