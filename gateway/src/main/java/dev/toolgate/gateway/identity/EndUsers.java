package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.Scopes;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns what a call carries about its end user into the {@link EndUser} it is made for: a token
 * is verified against the tenant's identity provider; a plain user id is accepted only from a key
 * with the {@code users:assert} scope. Thread-safe.
 */
@Singleton
public class EndUsers {
    /** Shape of an asserted user id: 1-256 printable characters without spaces. */
    static final Pattern ASSERTED_ID = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private final IdentityProviders providers;
    private final UserTokenVerifier verifier;

    public EndUsers(IdentityProviders providers, UserTokenVerifier verifier) {
        this.providers = requireNonNull(providers, "providers");
        this.verifier = requireNonNull(verifier, "verifier");
    }

    /**
     * The end user of a call by {@code principal}.
     *
     * @throws GatewayException UNAUTHENTICATED ({@code USER_TOKEN_INVALID}, {@code IDENTITY_PROVIDER_NOT_CONFIGURED}),
     *         PERMISSION_DENIED ({@code USER_ASSERTION_NOT_ALLOWED}), INVALID_ARGUMENT (a malformed user id),
     *         UNAVAILABLE (storage, or the provider's keys cannot be fetched)
     */
    public EndUser resolve(Principal principal, UserProof proof) {
        return switch (proof.kind()) {
            case NONE -> EndUser.NONE;
            case TOKEN -> verifier.verify(providers.find(principal.tenantId()).orElseThrow(() ->
                    GatewayException.unauthenticated("IDENTITY_PROVIDER_NOT_CONFIGURED", "this call carries a user"
                            + " token, but tenant '" + principal.tenantId() + "' has no identity provider to verify"
                            + " it with (an admin sets one: toolgate admin identity-provider set)",
                            Map.of("check", "provider"))), proof.value());
            case ASSERTED_ID -> asserted(principal, proof.value());
        };
    }

    private static EndUser asserted(Principal principal, String userId) {
        if (!principal.hasScope(Scopes.USERS_ASSERT)) {
            throw GatewayException.permissionDenied("USER_ASSERTION_NOT_ALLOWED", "this API key may not name the"
                    + " end user by id: send the user's token from the tenant's identity provider (user.token), or use"
                    + " a key with the '" + Scopes.USERS_ASSERT + "' scope");
        }
        if (!ASSERTED_ID.matcher(userId).matches()) {
            throw GatewayException.invalidArgument("user.user_id", "user.user_id must be 1-256 printable characters"
                    + " without spaces");
        }
        return new EndUser(userId, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), false);
    }
}
