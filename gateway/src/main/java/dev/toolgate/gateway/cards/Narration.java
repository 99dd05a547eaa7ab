package dev.toolgate.gateway.cards;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.observability.Redactor;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A narration template such as {@code Opening a support case for {customer_id}}: text with
 * placeholders naming top-level arguments ({@code {name}}, letters, digits and {@code _}). Rendered
 * from the call's arguments <em>after</em> they are redacted as the call record stores them, so a
 * secret never reaches a card; every inserted value is one line of at most
 * {@link #MAX_VALUE_CHARS}, without control or invisible characters, with the characters of HTML
 * and Markdown markup escaped — a card can be put into a page or a chat message as text, and
 * arguments cannot add links, images, tags or formatting. A placeholder whose argument is missing
 * renders as {@code …}. Immutable and thread-safe.
 */
public final class Narration {
    public static final int MAX_TEMPLATE_CHARS = 300;
    public static final int MAX_VALUE_CHARS = 80;
    /** Longest rendered narration. */
    public static final int MAX_CHARS = 500;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]{1,64})}");
    /** Control, format (zero-width, bidi overrides) and line/paragraph separator characters. */
    private static final Pattern INVISIBLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]+");

    private final String template;

    private Narration(String template) {
        this.template = template;
    }

    /**
     * The template, checked.
     *
     * @throws IllegalArgumentException when it is too long, spans lines, holds invisible characters or an
     *         unclosed or malformed placeholder
     */
    public static Narration of(String template) {
        requireNonNull(template, "template");
        if (template.length() > MAX_TEMPLATE_CHARS) {
            throw new IllegalArgumentException("narration must be at most " + MAX_TEMPLATE_CHARS + " chars, but was "
                    + template.length());
        }
        if (INVISIBLE.matcher(template).find()) {
            throw new IllegalArgumentException("narration must be one line without control or invisible characters");
        }
        String rest = PLACEHOLDER.matcher(template).replaceAll("");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw new IllegalArgumentException("narration placeholders are {argument_name} (letters, digits, _), but"
                    + " the template has a stray or malformed brace: " + template);
        }
        return new Narration(template);
    }

    public String template() {
        return template;
    }

    /** The argument names the template reads, in order. */
    public List<String> placeholders() {
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * The narration for a call.
     *
     * @param tool          the qualified tool name (its redaction pointers apply)
     * @param argumentsJson the call's arguments as sent
     */
    public String render(String tool, String argumentsJson, Redactor redactor) {
        JsonNode args;
        try {
            args = JsonSupport.mapper().readTree(redactor.redact(tool, argumentsJson));
        } catch (java.io.IOException | RuntimeException e) {
            args = JsonSupport.mapper().createObjectNode();
        }
        JsonNode object = args == null || !args.isObject() ? JsonSupport.mapper().createObjectNode() : args;
        StringBuilder out = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            out.append(escape(template.substring(at, m.start())));
            JsonNode value = object.path(m.group(1));
            out.append(value.isMissingNode() || value.isNull() ? "…" : escape(value(value)));
            at = m.end();
        }
        out.append(escape(template.substring(at)));
        return out.length() <= MAX_CHARS ? out.toString() : out.substring(0, MAX_CHARS - 1) + "…";
    }

    private static String value(JsonNode v) {
        String text = v.isTextual() ? v.textValue() : v.toString();
        text = INVISIBLE.matcher(text).replaceAll(" ").replaceAll("\\s+", " ").strip();
        return text.codePointCount(0, text.length()) <= MAX_VALUE_CHARS ? text
                : text.substring(0, text.offsetByCodePoints(0, MAX_VALUE_CHARS - 1)) + "…";
    }

    /** HTML's special characters as entities; Markdown's with a backslash. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                case '\\', '`', '*', '_', '[', ']', '(', ')', '!', '#', '|', '~' -> b.append('\\').append(c);
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
