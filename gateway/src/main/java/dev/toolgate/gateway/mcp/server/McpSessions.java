package dev.toolgate.gateway.mcp.server;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.secrets.MasterKeyRing;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MCP sessions without server state: the session id handed out at {@code initialize} is a
 * signed token that says which API key opened it and which elicitation modes the client
 * declared (form: a held call is put to its user; url: a user is sent to connect an account). Any instance that shares the master key can read it, so no sticky routing is needed;
 * a token presented with another key, or altered, is no session. Thread-safe.
 */
@Singleton
public class McpSessions {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private final byte[] key;

    /**
     * What a session remembers of its client.
     *
     * @param elicitation    the client answers form elicitations
     * @param urlElicitation the client handles URL-mode elicitation (MCP 2025-11-25), e.g.
     *                       {@code URLElicitationRequiredError}
     */
    public record Session(boolean elicitation, boolean urlElicitation) {
    }

    public McpSessions(MasterKeyRing keys) {
        this.key = keys.derive("toolgate mcp session v1");
    }

    /** A new session id for the principal's key. */
    public String open(Principal principal, boolean elicitation, boolean urlElicitation) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String modes = (elicitation ? "e" : "") + (urlElicitation ? "u" : "");
        String payload = "v1." + B64.encodeToString(principal.keyId().getBytes(StandardCharsets.UTF_8)) + "."
                + (modes.isEmpty() ? "-" : modes) + "." + B64.encodeToString(nonce);
        return payload + "." + sign(payload);
    }

    /** A tag that only this gateway can make, binding an elicitation of a call to the key it was sent to. */
    public String tag(Principal principal, String callId) {
        return sign("elicit." + principal.keyId() + "." + callId);
    }

    /** True when {@code tag} is the one {@link #tag} makes for this key and call. */
    public boolean checkTag(Principal principal, String callId, String tag) {
        return MessageDigest.isEqual(tag(principal, callId).getBytes(StandardCharsets.US_ASCII),
                tag.getBytes(StandardCharsets.US_ASCII));
    }

    /** The session, when the id is one of ours and was opened with this principal's key. */
    public Optional<Session> read(String sessionId, Principal principal) {
        int last = sessionId.lastIndexOf('.');
        if (last < 0 || sessionId.length() > 512) {
            return Optional.empty();
        }
        String payload = sessionId.substring(0, last);
        byte[] expected = sign(payload).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sessionId.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\.");
        if (parts.length != 4 || !"v1".equals(parts[0])
                || !B64.encodeToString(principal.keyId().getBytes(StandardCharsets.UTF_8)).equals(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new Session(parts[2].contains("e"), parts[2].contains("u")));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
