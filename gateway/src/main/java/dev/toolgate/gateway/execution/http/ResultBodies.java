package dev.toolgate.gateway.execution.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns an upstream body into {@code result_json}: valid JSON passes through unchanged;
 * anything else (text, HTML, cut-off JSON) is wrapped as
 * {@code {"content_type": ..., "text": ..., "truncated": ...}}.
 */
final class ResultBodies {
    private static final ObjectMapper CHECKER = JsonSupport.untrusted(1000, Integer.MAX_VALUE);

    private ResultBodies() {
    }

    static String toJson(String contentType, byte[] body, boolean truncated) {
        if (body.length == 0) {
            return "null";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (!truncated && isJson(contentType) && isOneJsonValue(text)) {
            return text;
        }
        ObjectNode wrapped = JsonSupport.mapper().createObjectNode();
        wrapped.put("content_type", contentType);
        wrapped.put("text", text);
        if (truncated) {
            wrapped.put("truncated", true);
        }
        return wrapped.toString();
    }

    /**
     * Whether the body is exactly one valid JSON value (no duplicate keys, nothing after it),
     * checked by reading its tokens: no tree is built for a body passed through unchanged.
     */
    static boolean isOneJsonValue(String text) {
        try (JsonParser p = CHECKER.getFactory().createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            return false; // invalid JSON despite the content type: wrapped
        }
    }

    private static boolean isJson(String contentType) {
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.isEmpty() || ct.startsWith("application/json") || ct.contains("+json");
    }
}
