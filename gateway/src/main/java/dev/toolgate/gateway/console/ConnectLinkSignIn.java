package dev.toolgate.gateway.console;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.connections.ConnectedAccounts;
import dev.toolgate.gateway.connections.OpenerSignIn;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.identity.IdentityProvider;
import dev.toolgate.gateway.identity.IdentityProviders;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The console's OpenID Connect sign-in as the proof of who opens a connect link: the same tenant client,
 * provider and callback as a console sign-in ({@code /console/oidc/start?link=…}), asking only for
 * {@code openid}, opening no console session and needing no console role. The signed-in subject must be
 * the link's user id — the {@code sub} that the tenant's end-user tokens carry — so where the tenant has
 * an identity provider, the sign-in must be at that same issuer. Thread-safe.
 */
@Singleton
class ConnectLinkSignIn implements OpenerSignIn {
    private final ConsoleSignIns signIns;
    private final IdentityProviders identityProviders;
    private final OidcSignIn oidc;
    private final ConnectedAccounts accounts;

    ConnectLinkSignIn(ConsoleSignIns signIns, IdentityProviders identityProviders, OidcSignIn oidc,
            ConnectedAccounts accounts) {
        this.signIns = requireNonNull(signIns, "signIns");
        this.identityProviders = requireNonNull(identityProviders, "identityProviders");
        this.oidc = requireNonNull(oidc, "oidc");
        this.accounts = requireNonNull(accounts, "accounts");
    }

    @Override
    public boolean configured(String tenant) {
        return signIns.find(tenant).isPresent();
    }

    @Override
    public URI start(String state) {
        String callback = oidc.redirectUri();
        return URI.create(callback.substring(0, callback.length() - OidcSignIn.CALLBACK_PATH.length())
                + "/console/oidc/start?link=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
    }

    /**
     * Begins the sign-in for the unopened link {@code state}, of the link's own tenant.
     *
     * @throws GatewayException NOT_FOUND when the link is unknown, expired, opened or used, or the tenant has
     *         no sign-in; as {@link OidcSignIn#start(String, String)}
     */
    OidcSignIn.Start begin(String state) {
        return oidc.start(accounts.pendingTenant(state), state);
    }

    /**
     * Ends the sign-in of {@code person} for its connect link: the value of the link's opener cookie.
     *
     * @throws GatewayException PERMISSION_DENIED when the person is not the link's user, or the sign-in's
     *         issuer is not the tenant's identity provider's; NOT_FOUND when the link is gone
     */
    String prove(OidcSignIn.Person person) {
        Optional<IdentityProvider> idp = identityProviders.find(person.tenant());
        Optional<ConsoleSignIn> signIn = signIns.find(person.tenant());
        if (idp.isPresent() && signIn.isPresent() && !idp.get().issuer().equals(signIn.get().issuerText())) {
            throw GatewayException.permissionDenied("CONNECT_SIGN_IN_ISSUER_MISMATCH", "the tenant's sign-in is at"
                    + " another provider than its end users' tokens, so the person signed in cannot be matched with"
                    + " the link's user; nothing was connected. An admin sets the console sign-in to the identity"
                    + " provider's issuer (toolgate admin console-sign-in set with an empty --issuer)");
        }
        return accounts.proveOpener(person.connectLink(), person.tenant(), person.subject());
    }
}
