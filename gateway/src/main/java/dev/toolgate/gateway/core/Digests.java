package dev.toolgate.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 as lower-case hex, for cache keys, stable name suffixes and key hashes. */
public final class Digests {
    /** Never updated: each digest is a clone of it, which skips the provider lookup of getInstance. */
    private static final MessageDigest SHA_256 = newSha256();

    private Digests() {
    }

    /**
     * SHA-256 of a JSON value in canonical form (object members sorted by name, no whitespace),
     * so that two spellings of the same arguments have one digest.
     */
    public static String canonicalJsonSha256(JsonNode value) {
        StringBuilder out = new StringBuilder(128);
        canonical(value, out);
        return sha256Hex(out.toString());
    }

    private static void canonical(JsonNode n, StringBuilder out) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(TextNode.valueOf(names.get(i))).append(':');
                canonical(n.get(names.get(i)), out);
            }
            out.append('}');
        } else if (n.isArray()) {
            out.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                canonical(n.get(i), out);
            }
            out.append(']');
        } else {
            out.append(n);
        }
    }

    public static String sha256Hex(String text) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) { // a provider whose digests cannot be cloned
            digest = newSha256();
        }
        return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
