package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies an end user's JWT against the tenant's identity provider, in this order: a signed JWS
 * (not {@code alg: none}, not encrypted), an asymmetric algorithm (RS*, PS*, ES* — an HMAC token
 * "signed" with the provider's public key is refused), a key the provider publishes (its JWKS
 * fetched again once when the token names an unknown one), the signature, then {@code iss},
 * {@code aud}, {@code exp} and {@code nbf} (with the provider's clock skew) and {@code sub}.
 * A refusal is UNAUTHENTICATED with reason {@code USER_TOKEN_INVALID}, a message saying which
 * check failed and {@code check} in its metadata; it never contains the token. Thread-safe.
 */
@Singleton
public class UserTokenVerifier {
    /** The reason of every refused user token. */
    public static final String INVALID = "USER_TOKEN_INVALID";
    /** Longest token accepted. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    /** Longest subject accepted (the call row's user_id column). */
    static final int MAX_SUBJECT_CHARS = 256;
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final JwksCache jwks;
    private final Clock clock;

    public UserTokenVerifier(JwksCache jwks, Clock clock) {
        this.jwks = requireNonNull(jwks, "jwks");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * The user the token proves.
     *
     * @throws GatewayException UNAUTHENTICATED {@code USER_TOKEN_INVALID}; UNAVAILABLE when the provider's keys
     *         cannot be fetched
     */
    public EndUser verify(IdentityProvider provider, String token) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw refused("size", "the user token is longer than " + MAX_TOKEN_CHARS + " chars");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw refused("format", "the user token is not a JWT (header.payload.signature, base64url)");
        }
        if (jwt instanceof PlainJWT) {
            throw refused("alg", "the user token is unsigned (alg none); only tokens signed with the identity"
                    + " provider's keys are accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw refused("format", "the user token is encrypted (JWE); send the signed token the identity provider"
                    + " issued");
        }
        JWSHeader header = signed.getHeader();
        if (!ACCEPTED.contains(header.getAlgorithm())) {
            throw refused("alg", "the user token's algorithm " + Identifiers.abbreviate(header.getAlgorithm().getName())
                    + " is not accepted: only asymmetric signatures (RS*, PS*, ES*) checked with the identity"
                    + " provider's public keys are");
        }
        verifySignature(provider, signed, header);
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("format", "the user token's payload is not a JSON object of claims");
        }
        checkClaims(provider, claims);
        return new EndUser(claims.getSubject(), json(claims), true);
    }

    private void verifySignature(IdentityProvider provider, SignedJWT signed, JWSHeader header) {
        JWKSet keys = jwks.keys(provider.jwksUrl());
        List<JWK> candidates = candidates(keys, header);
        if (candidates.isEmpty()) {
            Optional<JWKSet> again = jwks.refreshed(provider.jwksUrl(), keys); // the provider may have rotated
            candidates = again.map(k -> candidates(k, header)).orElse(List.of());
        }
        String kid = header.getKeyID() == null ? "(none)" : "'" + Identifiers.abbreviate(header.getKeyID()) + "'";
        if (candidates.isEmpty()) {
            throw refused("kid", "the user token is signed with a key (kid " + kid + ", " + header.getAlgorithm()
                    + ") that the identity provider does not publish at " + provider.jwksUrl());
        }
        for (JWK key : candidates) {
            try {
                if (signed.verify(verifier(key))) {
                    return;
                }
            } catch (JOSEException e) {
                // a key that cannot check this signature: try the next
            }
        }
        throw refused("signature", "the user token's signature does not verify with the identity provider's key"
                + " (kid " + kid + ")");
    }

    private static List<JWK> candidates(JWKSet keys, JWSHeader header) {
        return new JWKSelector(JWKMatcher.forJWSHeader(header)).select(keys);
    }

    private static JWSVerifier verifier(JWK key) throws JOSEException {
        return switch (key) {
            case RSAKey rsa -> new RSASSAVerifier(rsa);
            case ECKey ec -> new ECDSAVerifier(ec);
            default -> throw new JOSEException("unsupported key type " + key.getKeyType());
        };
    }

    private void checkClaims(IdentityProvider provider, JWTClaimsSet claims) {
        if (!provider.issuer().equals(claims.getIssuer())) {
            throw refused("iss", "the user token was issued by '" + Identifiers.abbreviate(String.valueOf(
                    claims.getIssuer())) + "', not by the tenant's identity provider '" + provider.issuer() + "'");
        }
        List<String> audience = claims.getAudience();
        if (!audience.contains(provider.audience())) {
            throw refused("aud", "the user token's audience " + Identifiers.abbreviate(audience.toString())
                    + " does not include '" + provider.audience() + "'");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw refused("exp", "the user token has no expiry (exp)");
        }
        if (now.isAfter(exp.toInstant().plus(provider.clockSkew()))) {
            throw refused("exp", "the user token expired at " + exp.toInstant() + " (now " + now + ", clock skew "
                    + provider.clockSkew().toSeconds() + "s)");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.plus(provider.clockSkew()).isBefore(nbf.toInstant())) {
            throw refused("nbf", "the user token is not valid before " + nbf.toInstant() + " (now " + now
                    + ", clock skew " + provider.clockSkew().toSeconds() + "s)");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty() || sub.length() > MAX_SUBJECT_CHARS) {
            throw refused("sub", "the user token names no subject (sub, 1-" + MAX_SUBJECT_CHARS + " chars)");
        }
    }

    private static JsonNode json(JWTClaimsSet claims) {
        try {
            return JsonSupport.mapper().readTree(claims.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the claims of a parsed token are JSON", e);
        }
    }

    private static GatewayException refused(String check, String message) {
        return GatewayException.unauthenticated(INVALID, message, Map.of("check", check));
    }
}
