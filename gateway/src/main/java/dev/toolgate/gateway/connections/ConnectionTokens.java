package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.time.Instant;
import java.util.Optional;

/**
 * A user's tokens for one integration. Immutable; {@link #toString()} shows no token.
 *
 * @param refreshToken empty when the server issued none
 * @param expiresAt    empty when the server did not say
 */
record ConnectionTokens(String accessToken, String refreshToken, Optional<Instant> expiresAt) {
    ConnectionTokens {
        requireNonNull(accessToken, "accessToken");
        requireNonNull(refreshToken, "refreshToken");
        requireNonNull(expiresAt, "expiresAt");
    }

    /** The tokens of a token endpoint's answer; a refresh answer without a new refresh token keeps {@code previous}. */
    static ConnectionTokens from(JsonNode answer, Instant now, String previousRefreshToken) {
        long expiresIn = answer.path("expires_in").asLong(0);
        return new ConnectionTokens(answer.path("access_token").asText(""),
                answer.path("refresh_token").asText(previousRefreshToken),
                expiresIn > 0 ? Optional.of(now.plusSeconds(expiresIn)) : Optional.empty());
    }

    String toJson() {
        ObjectNode o = JsonSupport.mapper().createObjectNode();
        o.put("access_token", accessToken);
        o.put("refresh_token", refreshToken);
        expiresAt.ifPresent(t -> o.put("expires_at", t.toString()));
        return o.toString();
    }

    static ConnectionTokens fromJson(String json) {
        try {
            JsonNode o = JsonSupport.mapper().readTree(json);
            String exp = o.path("expires_at").asText("");
            return new ConnectionTokens(o.path("access_token").asText(""), o.path("refresh_token").asText(""),
                    exp.isEmpty() ? Optional.empty() : Optional.of(Instant.parse(exp)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored connection is not JSON");
        }
    }

    @Override
    public String toString() {
        return "ConnectionTokens[refreshable=" + !refreshToken.isEmpty() + ", expiresAt=" + expiresAt + "]";
    }
}
