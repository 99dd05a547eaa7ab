package dev.toolgate.gateway.catalog;

import dev.toolgate.gateway.core.Digests;

/**
 * The names models see: {@code integration.tool} becomes {@code integration__tool}, which fits
 * every major provider's rule {@code ^[a-zA-Z0-9_-]{1,64}$}. Tool and integration names never
 * contain {@code "__"} (see {@code Identifiers.NAME}), so the mapping is one-to-one; a name
 * longer than 64 chars keeps its first 55 chars and gets {@code _} plus 8 hex chars of the
 * SHA-256 of the qualified name, so it stays stable across exports and gateway instances.
 */
public final class ExportNames {
    public static final int MAX_LENGTH = 64;
    private static final int HASH_CHARS = 8;

    private ExportNames() {
    }

    public static String of(String qualifiedName) {
        String plain = qualifiedName.replace(".", "__");
        if (plain.length() <= MAX_LENGTH) {
            return plain;
        }
        return plain.substring(0, MAX_LENGTH - HASH_CHARS - 1) + "_" + hash(qualifiedName);
    }

    private static String hash(String text) {
        return Digests.sha256Hex(text).substring(0, HASH_CHARS);
    }
}
