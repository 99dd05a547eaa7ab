package dev.toolgate.gateway.connections;

import java.net.URI;

/**
 * The tenant's sign-in that proves who opens a connect link, before the link leads anywhere: the
 * console's OpenID Connect sign-in implements it (this package cannot see the console). After the
 * sign-in the implementation calls {@link ConnectedAccounts#proveOpener}. Implementations are
 * thread-safe.
 */
public interface OpenerSignIn {
    /** Whether the tenant's people can sign in (it has an OpenID Connect sign-in). */
    boolean configured(String tenant);

    /** Where a browser starts the sign-in that proves who opens the connect link {@code state}. */
    URI start(String state);
}
