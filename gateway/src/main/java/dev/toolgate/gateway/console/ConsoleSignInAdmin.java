package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.IdentityProvider;
import dev.toolgate.gateway.identity.IdentityProviders;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Setting and deleting a tenant's console sign-in ({@code SetConsoleSignIn}, {@code
 * DeleteConsoleSignIn}). An empty issuer takes the issuer of the tenant's identity provider (the
 * one whose tokens prove end users), so one provider serves both. Thread-safe.
 */
@Singleton
public class ConsoleSignInAdmin {
    private final ConsoleSignIns signIns;
    private final IdentityProviders identityProviders;
    private final OidcSignIn oidc;

    ConsoleSignInAdmin(ConsoleSignIns signIns, IdentityProviders identityProviders, OidcSignIn oidc) {
        this.signIns = requireNonNull(signIns, "signIns");
        this.identityProviders = requireNonNull(identityProviders, "identityProviders");
        this.oidc = requireNonNull(oidc, "oidc");
    }

    /** What was stored, and the URIs to register and to hand out. */
    public record Stored(ConsoleSignIn signIn, String redirectUri, String loginUrl) {
    }

    /**
     * Creates or replaces the tenant's console sign-in (the tenant must exist: the caller checks).
     *
     * @throws GatewayException INVALID_ARGUMENT naming every bad field
     */
    public Stored set(String tenant, String issuer, String clientId, String clientSecretName, String scopes,
            String groupsClaim, Map<ConsoleRole, ? extends Collection<String>> groups) {
        String effectiveIssuer = issuer.strip();
        if (effectiveIssuer.isEmpty()) {
            Optional<IdentityProvider> idp = identityProviders.find(tenant);
            if (idp.isEmpty()) {
                dev.toolgate.gateway.core.Identifiers.requireNoViolations(List.of(new FieldViolation("issuer",
                        "issuer is required: tenant '" + tenant + "' has no identity provider to take it from"
                                + " (SetIdentityProvider)")));
            }
            effectiveIssuer = idp.get().issuer();
        }
        ConsoleSignIn stored = signIns.put(ConsoleSignIn.of(tenant, effectiveIssuer, clientId, clientSecretName,
                scopes, groupsClaim, groups));
        return new Stored(stored, oidc.redirectUri(), oidc.loginUrl(tenant));
    }

    /**
     * Removes the tenant's console sign-in; its people's sessions end at their next request.
     *
     * @throws GatewayException NOT_FOUND when it has none
     */
    public void delete(String tenant) {
        if (!signIns.delete(tenant)) {
            throw GatewayException.notFound("CONSOLE_SIGN_IN_NOT_FOUND", "tenant '" + tenant + "' has no console"
                    + " sign-in", List.of());
        }
    }
}
