package dev.toolgate.gateway.secrets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.observability.Redactor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Masks the secret values the gateway injected into an upstream request wherever the upstream
 * echoes them back — in its answer, its error page or an error message — so that neither the
 * agent, nor the call record, {@code QueryCalls} or a span ever carries them. Each value is
 * searched as sent and in the encodings it travels or is echoed in: percent-encoded (RFC 3986
 * and form encoding, upper- and lower-case hex), base64 (standard and URL-safe, with and
 * without padding: HTTP Basic credentials), JSON-escaped; for a {@code user:password} or
 * {@code client_id:client_secret} value also the part after the colon. A JSON text is masked
 * inside its string values, member names and numbers, so it stays valid JSON; each occurrence
 * becomes {@value Redactor#MASK}. Values shorter than {@value #MIN_CHARS} characters are not
 * searched (they would match everywhere). Immutable and thread-safe.
 */
public final class EchoMask {
    /** Shortest value (or encoding) searched for. */
    public static final int MIN_CHARS = 4;
    /** Masks nothing. */
    public static final EchoMask NONE = new EchoMask(List.of());

    private static final ObjectMapper JSON = JsonSupport.untrusted(1000, Integer.MAX_VALUE);

    /** Longest first, so a value is replaced whole before any shorter part of it. */
    private final List<String> needles;

    private EchoMask(List<String> needles) {
        this.needles = needles;
    }

    /**
     * Masks already built, by the values they mask: a tool's credentials are the same call after
     * call, and building a mask encodes each value eight ways. Bounded; an entry (which holds the
     * plaintext values, as the secret cache does) goes 10 minutes after its last use.
     */
    private static final Cache<List<String>, EchoMask> BUILT = Caffeine.newBuilder()
            .maximumSize(1_024)
            .expireAfterAccess(Duration.ofMinutes(10))
            .executor(Runnable::run) // maintenance on the caller: no hop to the common pool
            .build();

    /** {@link #of}, built once for the same values and reused. */
    public static EchoMask cached(List<String> injected) {
        requireNonNull(injected, "injected");
        if (injected.isEmpty()) {
            return NONE;
        }
        return BUILT.get(List.copyOf(injected), EchoMask::of);
    }

    /**
     * A mask for these injected values (the plaintext secrets, tokens and credentials exactly
     * as the gateway put them into the request).
     */
    public static EchoMask of(Collection<String> injected) {
        requireNonNull(injected, "injected");
        Set<String> forms = new LinkedHashSet<>();
        for (String value : injected) {
            requireNonNull(value, "injected value");
            addForms(forms, value);
            int colon = value.indexOf(':');
            if (colon >= 0) {
                addForms(forms, value.substring(colon + 1)); // the password or client secret alone
            }
        }
        List<String> needles = new ArrayList<>(forms.stream().filter(f -> f.length() >= MIN_CHARS).toList());
        needles.sort(Comparator.comparingInt(String::length).reversed());
        return needles.isEmpty() ? NONE : new EchoMask(List.copyOf(needles));
    }

    /** This mask and {@code other}'s together. */
    public EchoMask and(EchoMask other) {
        requireNonNull(other, "other");
        if (other.needles.isEmpty()) {
            return this;
        }
        if (needles.isEmpty()) {
            return other;
        }
        Set<String> all = new LinkedHashSet<>(needles);
        all.addAll(other.needles);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return new EchoMask(List.copyOf(sorted));
    }

    /** Whether {@code text} holds any injected value in any form. */
    public boolean matches(String text) {
        for (String needle : needles) {
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} with every form of every injected value replaced; the same instance when none occurs. */
    public String maskText(String text) {
        requireNonNull(text, "text");
        if (!matches(text)) {
            return text;
        }
        String out = text;
        for (String needle : needles) {
            out = out.replace(needle, Redactor.MASK);
        }
        return out;
    }

    /**
     * A JSON text with every form of every injected value masked inside its strings, member
     * names and numbers; the same instance when none occurs. A text that is not JSON is masked
     * as text.
     */
    public String maskJson(String json) {
        requireNonNull(json, "json");
        if (!matches(json)) {
            return json; // the common case costs a few substring searches, no parsing
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (Exception e) {
            return maskText(json);
        }
        String masked = mask(tree).toString();
        return matches(masked) ? maskText(masked) : masked;
    }

    private JsonNode mask(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(maskText(node.textValue()));
        }
        if (node.isNumber()) {
            String text = node.asText();
            return matches(text) ? TextNode.valueOf(maskText(text)) : node;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(e -> out.add(mask(e)));
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                out.set(maskText(f.getKey()), mask(f.getValue()));
            }
            return out;
        }
        return node;
    }

    private static void addForms(Set<String> forms, String value) {
        if (value.length() < MIN_CHARS) {
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        List<String> plain = new ArrayList<>();
        plain.add(value);
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        plain.add(form);
        plain.add(form.replace("+", "%20"));
        plain.add(percentEncode(bytes));
        for (String encoded : List.copyOf(plain)) {
            if (encoded.indexOf('%') >= 0) {
                plain.add(lowerHex(encoded));
            }
        }
        plain.add(Base64.getEncoder().encodeToString(bytes));
        plain.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
        plain.add(Base64.getUrlEncoder().encodeToString(bytes));
        plain.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        for (String p : plain) {
            forms.add(p);
            String quoted = JsonNodeFactory.instance.textNode(p).toString();
            String escaped = quoted.substring(1, quoted.length() - 1);
            forms.add(escaped);
            forms.add(escaped.replace("/", "\\/"));
        }
    }

    /** RFC 3986: everything but unreserved characters percent-encoded, upper-case hex. */
    private static String percentEncode(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.toString();
    }

    private static String lowerHex(String percentEncoded) {
        StringBuilder sb = new StringBuilder(percentEncoded.length());
        for (int i = 0; i < percentEncoded.length(); i++) {
            char c = percentEncoded.charAt(i);
            sb.append(c);
            if (c == '%' && i + 2 < percentEncoded.length()) {
                sb.append(Character.toLowerCase(percentEncoded.charAt(i + 1)))
                        .append(Character.toLowerCase(percentEncoded.charAt(i + 2)));
                i += 2;
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "EchoMask[" + needles.size() + " forms]"; // never the values
    }
}
