package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * How the gateway authenticates to an HTTP upstream.
 *
 * @param secret the secret's name for {@link Kind#BEARER}; empty for {@link Kind#NONE} and
 *               {@link Kind#USER_CONNECTION} (each end user's own OAuth token) and {@link Kind#TOKEN_EXCHANGE} (a
 *               token exchanged for the end user's token), see docs/identity.md
 */
public record HttpAuth(Kind kind, String secret) {
    public static final HttpAuth NONE = new HttpAuth(Kind.NONE, "");

    public enum Kind { NONE, BEARER, USER_CONNECTION, TOKEN_EXCHANGE }

    /** Each end user's own connected account (OAuth authorization code + PKCE). */
    public static final HttpAuth USER_CONNECTION = new HttpAuth(Kind.USER_CONNECTION, "");

    /** A token exchanged (RFC 8693) for the end user's own token, for the upstream's audience. */
    public static final HttpAuth TOKEN_EXCHANGE = new HttpAuth(Kind.TOKEN_EXCHANGE, "");

    /** True when each call acts as its end user upstream (the call must name one). */
    public boolean perUser() {
        return kind == Kind.USER_CONNECTION || kind == Kind.TOKEN_EXCHANGE;
    }

    public HttpAuth {
        requireNonNull(kind, "kind");
        requireNonNull(secret, "secret");
        if (kind != Kind.BEARER && !secret.isEmpty()) {
            throw new IllegalArgumentException("auth " + kind + " takes no secret");
        }
        if (kind == Kind.BEARER && secret.isEmpty()) {
            throw new IllegalArgumentException("bearer auth needs a secret name");
        }
    }

    public static HttpAuth bearer(String secret) {
        return new HttpAuth(Kind.BEARER, secret);
    }
}
