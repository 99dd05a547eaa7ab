package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.secrets.MasterKeyRing;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page tokens: the catalog revision and the last tool of the page, signed (HMAC-SHA256
 * with a key derived from the master key) together with the tenant, the API key and the
 * filters, so a token is refused when altered, made up, or presented with another key or other
 * filters; every instance sharing the master key accepts the others' tokens. A token of an
 * older catalog revision is refused as expired. Thread-safe.
 */
@Singleton
public class PageTokens {
    /** Reason of an altered token or one made for another key or filters. */
    public static final String INVALID = "PAGE_TOKEN_INVALID";
    /** Reason of a token made at an older catalog revision. */
    public static final String EXPIRED = "PAGE_TOKEN_EXPIRED";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_LENGTH = 2048;

    private final byte[] key;

    public PageTokens(MasterKeyRing keys) {
        this.key = keys.derive("toolgate page token v1");
    }

    /** Where a page starts: after {@code lastName}, at catalog revision {@code revision}. */
    public record Position(long revision, String lastName) {
        public Position {
            requireNonNull(lastName, "lastName");
        }
    }

    public String issue(Principal p, String scope, Position at) {
        String payload = B64.encodeToString((at.revision() + "\n" + at.lastName()).getBytes(StandardCharsets.UTF_8));
        return payload + "." + B64.encodeToString(mac(p, scope, payload));
    }

    /**
     * The position a token names, checked against the key, the scope (filters) and the current
     * revision.
     *
     * @param field the request field that carried the token, named in the error
     * @throws GatewayException INVALID_ARGUMENT with reason {@link #INVALID} or {@link #EXPIRED}
     */
    public Position read(Principal p, String scope, String token, long currentRevision, String field) {
        int dot = token.indexOf('.');
        if (token.length() > MAX_LENGTH || dot <= 0 || !MessageDigest.isEqual(mac(p, scope, token.substring(0, dot)),
                decode(token.substring(dot + 1)))) {
            throw invalid(field, INVALID, field + " is not a token this gateway issued to this key for these filters;"
                    + " pass the next_page_token of the previous page unchanged, or none for the first page");
        }
        String payload = new String(decode(token.substring(0, dot)), StandardCharsets.UTF_8);
        int nl = payload.indexOf('\n');
        long revision = Long.parseLong(payload.substring(0, nl)); // signed by us: well-formed
        if (revision != currentRevision) {
            throw invalid(field, EXPIRED, "the tool catalog changed since the first page; list again from the first"
                    + " page");
        }
        return new Position(revision, payload.substring(nl + 1));
    }

    private static GatewayException invalid(String field, String reason, String message) {
        return GatewayException.invalidArgument(reason, field, message);
    }

    private static byte[] decode(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private byte[] mac(Principal p, String scope, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String bound = p.tenantId() + "\u0000" + p.keyId() + "\u0000" + scope + "\u0000" + payload;
            return mac.doFinal(bound.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
