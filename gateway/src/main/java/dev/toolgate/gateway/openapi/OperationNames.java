package dev.toolgate.gateway.openapi;

import dev.toolgate.gateway.core.Digests;
import dev.toolgate.gateway.core.Identifiers;
import java.util.Locale;

/**
 * Tool names from operations: {@code operationId} in snake_case ({@code createSupportCase} →
 * {@code create_support_case}, {@code repos/get-content} → {@code repos_get_content}), or method
 * and path when there is none ({@code GET /users/{id}} → {@code get_users_by_id}). Names longer
 * than 63 chars keep 54 and get {@code _} plus 8 hex chars of the SHA-256 of the full name.
 */
final class OperationNames {
    private OperationNames() {
    }

    static String fromOperationId(String operationId) {
        return fit(snake(operationId));
    }

    static String fromMethodAndPath(String method, String path) {
        StringBuilder sb = new StringBuilder(method.toLowerCase(Locale.ROOT));
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                sb.append("_by_").append(segment, 1, segment.length() - 1);
            } else {
                sb.append('_').append(segment);
            }
        }
        return fit(snake(sb.toString()));
    }

    /** Lower snake case: word boundaries at case changes, every other character a separator. */
    static String snake(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 128 && Character.isLetterOrDigit(c)) {
                boolean upper = Character.isUpperCase(c);
                if (upper && i > 0) {
                    char prev = text.charAt(i - 1);
                    boolean nextLower = i + 1 < n && Character.isLowerCase(text.charAt(i + 1));
                    if (Character.isLowerCase(prev) || Character.isDigit(prev)
                            || (Character.isUpperCase(prev) && nextLower)) {
                        sb.append('_');
                    }
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append('_');
            }
        }
        String collapsed = sb.toString().replaceAll("_+", "_");
        int start = collapsed.startsWith("_") ? 1 : 0;
        int end = collapsed.endsWith("_") && collapsed.length() > start ? collapsed.length() - 1 : collapsed.length();
        String out = start >= end ? "" : collapsed.substring(start, end);
        return out.isEmpty() ? "operation" : out;
    }

    /** At most 63 chars; longer names get a stable hash suffix. */
    static String fit(String name) {
        if (name.length() <= Identifiers.MAX_NAME_LENGTH) {
            return name;
        }
        String head = name.substring(0, Identifiers.MAX_NAME_LENGTH - 9);
        while (head.endsWith("_")) {
            head = head.substring(0, head.length() - 1);
        }
        return head + "_" + Digests.sha256Hex(name).substring(0, 8);
    }

    /** {@code name} or, when taken, {@code name_2}, {@code name_3}, ... (fitted to 63 chars). */
    static String unique(String name, java.util.Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        for (int i = 2; ; i++) {
            String suffix = "_" + i;
            String base = name.length() + suffix.length() > Identifiers.MAX_NAME_LENGTH
                    ? name.substring(0, Identifiers.MAX_NAME_LENGTH - suffix.length()) : name;
            while (base.endsWith("_")) {
                base = base.substring(0, base.length() - 1);
            }
            String candidate = base + suffix;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }
}
