package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

/**
 * How the gateway authenticates to an HTTP upstream.
 *
 * @param secret the secret's name for {@link Kind#BEARER}; empty for {@link Kind#NONE}
 */
public record HttpAuth(Kind kind, String secret) {
    public static final HttpAuth NONE = new HttpAuth(Kind.NONE, "");

    public enum Kind { NONE, BEARER }

    public HttpAuth {
        requireNonNull(kind, "kind");
        requireNonNull(secret, "secret");
        if (kind == Kind.NONE && !secret.isEmpty()) {
            throw new IllegalArgumentException("auth NONE takes no secret");
        }
        if (kind == Kind.BEARER && secret.isEmpty()) {
            throw new IllegalArgumentException("bearer auth needs a secret name");
        }
    }

    public static HttpAuth bearer(String secret) {
        return new HttpAuth(Kind.BEARER, secret);
    }
}
