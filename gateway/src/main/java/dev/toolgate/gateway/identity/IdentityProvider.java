package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's OpenID identity provider: whose JWTs prove the end user of a call. Immutable; the
 * factory refuses bad settings with every problem at once.
 *
 * @param issuer    the exact {@code iss} of its tokens
 * @param jwksUrl   where its public signing keys are (http or https)
 * @param audience  a value the tokens' {@code aud} must contain (e.g. the client id the gateway's
 *                  agents obtain the tokens for)
 * @param clockSkew tolerance applied to {@code exp} and {@code nbf}
 */
public record IdentityProvider(String tenant, String issuer, URI jwksUrl, String audience, Duration clockSkew) {
    /** Most clock skew accepted. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Clock skew when the request leaves it unset. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    public IdentityProvider {
        requireNonNull(tenant, "tenant");
        requireNonNull(issuer, "issuer");
        requireNonNull(jwksUrl, "jwksUrl");
        requireNonNull(audience, "audience");
        requireNonNull(clockSkew, "clockSkew");
    }

    /**
     * Checked settings.
     *
     * @param clockSkew null for {@link #DEFAULT_CLOCK_SKEW}
     * @throws GatewayException INVALID_ARGUMENT naming each bad field
     */
    public static IdentityProvider of(String tenant, String issuer, String jwksUrl, String audience,
            Duration clockSkew) {
        List<FieldViolation> problems = new ArrayList<>();
        if (issuer.isBlank() || issuer.length() > 2048) {
            problems.add(new FieldViolation("issuer", "issuer is required (at most 2048 chars): the exact 'iss' of"
                    + " the provider's tokens, e.g. https://login.example.com"));
        }
        URI jwks = null;
        try {
            jwks = URI.create(jwksUrl);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (jwks == null || jwksUrl.length() > 2048 || jwks.getHost() == null
                || !("https".equals(jwks.getScheme()) || "http".equals(jwks.getScheme()))) {
            problems.add(new FieldViolation("jwks_url", "jwks_url must be an absolute http(s) URL of the provider's"
                    + " JWK set (its discovery document's jwks_uri), e.g. https://login.example.com/jwks"));
        }
        if (audience.isBlank() || audience.length() > 512) {
            problems.add(new FieldViolation("audience", "audience is required (at most 512 chars): a value the"
                    + " tokens' 'aud' must contain, e.g. the client id the tokens are issued to"));
        }
        Duration skew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
            problems.add(new FieldViolation("clock_skew", "clock_skew must be 0s to 5m, but was " + skew));
        }
        if (!problems.isEmpty()) {
            throw GatewayException.invalidArgument("the identity provider settings are invalid: "
                    + problems.stream().map(FieldViolation::message).toList(), problems);
        }
        return new IdentityProvider(tenant, issuer, jwks, audience, skew);
    }
}
