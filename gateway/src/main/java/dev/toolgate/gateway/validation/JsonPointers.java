package dev.toolgate.gateway.validation;

import com.networknt.schema.path.NodePath;

/**
 * RFC 6901 JSON Pointers: each reference token is the member name or array index with only
 * {@code ~} written {@code ~0} and {@code /} written {@code ~1}; every other character, control
 * characters included, stays as it is (the validator's own rendering writes some of them as
 * backslash escapes, which are not part of the syntax). Pure functions.
 */
final class JsonPointers {
    private JsonPointers() {
    }

    /** The pointer to {@code path}; {@code ""} for the whole document. */
    static String of(NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            sb.append('/').append(element instanceof Integer index ? index.toString() : escape(String.valueOf(element)));
        }
        return sb.toString();
    }

    /** The pointer to the member {@code name} of the value at {@code parent}. */
    static String member(String parent, String name) {
        return parent + "/" + escape(name);
    }

    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
