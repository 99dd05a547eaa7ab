package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The end user a call is made for. Immutable.
 *
 * @param id     the verified token's {@code sub}, or the id a trusted key asserted; empty for {@link #NONE}
 * @param claims the verified token's claims (a JSON object; empty when asserted)
 * @param proven true when a token of the tenant's identity provider proved it
 */
public record EndUser(String id, JsonNode claims, boolean proven) {
    /** No end user: the agent calls on its own account. */
    public static final EndUser NONE = new EndUser("", JsonNodeFactory.instance.objectNode(), false);

    public EndUser {
        requireNonNull(id, "id");
        requireNonNull(claims, "claims");
        if (!claims.isObject()) {
            throw new IllegalArgumentException("claims must be a JSON object, but was " + claims.getNodeType());
        }
    }

    public boolean present() {
        return !id.isEmpty();
    }
}
