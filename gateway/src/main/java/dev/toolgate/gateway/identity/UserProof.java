package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

/**
 * What a call carries to name its end user: nothing, a JWT of the tenant's identity provider, or
 * a plain user id (accepted only from a key with the {@code users:assert} scope). Immutable;
 * {@link #toString()} never shows the token.
 */
public final class UserProof {
    /** The kinds of proof. */
    public enum Kind { NONE, TOKEN, ASSERTED_ID }

    public static final UserProof NONE = new UserProof(Kind.NONE, "");

    private final Kind kind;
    private final String value;

    private UserProof(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /** A JWT; empty text means none. */
    public static UserProof token(String jwt) {
        return requireNonNull(jwt, "jwt").isEmpty() ? NONE : new UserProof(Kind.TOKEN, jwt);
    }

    /** An asserted user id; empty text means none. */
    public static UserProof assertedId(String userId) {
        return requireNonNull(userId, "userId").isEmpty() ? NONE : new UserProof(Kind.ASSERTED_ID, userId);
    }

    public Kind kind() {
        return kind;
    }

    /** The token or the user id; empty for {@link #NONE}. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "UserProof[none]";
            case TOKEN -> "UserProof[token, " + value.length() + " chars]";
            case ASSERTED_ID -> "UserProof[asserted]";
        };
    }
}
