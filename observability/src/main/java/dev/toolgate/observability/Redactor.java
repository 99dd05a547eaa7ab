package dev.toolgate.observability;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from arguments and results before they are stored in call records or put on
 * spans: values under secret-looking keys ({@code password}, {@code token}, {@code authorization},
 * …), values at JSON Pointers configured per tool, and values that look like secrets wherever
 * they appear, object keys included (card numbers that pass the Luhn check: digit runs in text,
 * integers, and whole floats as JSON numbers or in text; bearer tokens, JWTs, private keys, cloud access keys). Text that is
 * not JSON is scanned for the value patterns. Immutable, thread-safe.
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";
    /**
     * Parse and write buffers are shared by all threads: Jackson's default pool keeps them per
     * thread, and every call runs on a new virtual thread, so each redaction allocated fresh 8 KB
     * parse and 4 KB write buffers (a quarter of the gateway's allocation per call). The pool is
     * bounded and takes no lock ({@link JsonBufferPool}).
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(JsonBufferPool.perProcessor())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build());

    /** Parts of key names (lower case, without '-' and '_') whose values are secret. */
    private static final Set<String> SECRET_KEY_PARTS = Set.of("password", "passwd", "passphrase", "secret", "token",
            "apikey", "authorization", "credential", "privatekey", "cookie");
    /** Whole key names whose values are secret. */
    private static final Set<String> SECRET_KEYS = Set.of("pin", "ssn", "cvv", "cvc", "auth");
    /** Keys about a secret rather than holding one: {@code token_type}, {@code max_tokens}, {@code secret_name}. */
    private static final List<String> NOT_SECRET_SUFFIXES = List.of("id", "count", "type", "tokens", "length", "limit",
            "url", "name", "expiresin", "expiry");
    /** 13-19 digits, single spaces or dashes between them; not the fraction of a decimal number (0.4111111111111111). */
    static final Pattern CARD = Pattern.compile("(?<![0-9])(?<![0-9]\\.)(?:[0-9][ -]?){12,18}[0-9](?![0-9])");
    /**
     * A number in scientific notation in text, as a double is written from 10^7 on
     * ({@code 4.111111111111111E15}, {@code 378.282246310005E+12}, {@code 4.111111111111111E+015}): up to
     * three digits before the point, an exponent of two digits (zeros in front allowed), not part of a
     * word ({@code c5e16a9f}); {@link #wholeLooksLikeCard} decides on its value.
     */
    static final Pattern FLOAT_CARD = Pattern.compile(
            "(?<![0-9A-Za-z_.])[0-9]{1,3}(?:\\.[0-9]{1,30})?[eE]\\+?0*1[0-8](?![0-9A-Za-z_])");
    private static final List<Pattern> SECRET_VALUES = List.of(
            Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]{8,}"),
            Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"),
            Pattern.compile("(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
            Pattern.compile("\\btg_[A-Za-z0-9_]{16,}"));

    private final Map<String, List<String>> pointersByTool;

    /** @param pointersByTool JSON Pointers (e.g. {@code /card/number}) to mask, by qualified tool name */
    public Redactor(Map<String, List<String>> pointersByTool) {
        this.pointersByTool = Map.copyOf(requireNonNull(pointersByTool, "pointersByTool"));
    }

    public static Redactor defaults() {
        return new Redactor(Map.of());
    }

    /**
     * The JSON text with secrets masked; non-JSON text has its secret-looking values masked. Only
     * the first JSON value is read (as {@link ObjectMapper#readTree(String)} does) and written back
     * compact. A tool without configured pointers is redacted as it is read, token by token, with
     * no tree in between; the output is the same as the tree's but for a key repeated in one
     * object, whose every value is kept (each redacted) where the tree keeps the last.
     */
    public String redact(String tool, String json) {
        if (json.isEmpty()) {
            return json;
        }
        List<String> pointers = pointersByTool.getOrDefault(tool, List.of());
        if (pointers.isEmpty()) {
            try {
                String streamed = redactStreaming(json);
                if (streamed != null) {
                    return streamed;
                }
            } catch (IOException | RuntimeException e) {
                return maskValues(json);
            }
        }
        return redactTree(json, pointers);
    }

    /**
     * The first {@code maxChars} chars of the redacted text, for a preview such as a call card's
     * one-line summary; shorter only when the whole redacted text is. A JSON value of a tool without
     * configured pointers is redacted as it is read and no longer read once {@code maxChars} are
     * written, so a preview of a large result costs its head, not the whole. The cut is made in the
     * redacted output: it never splits a secret into a part that escapes masking. Text that is not JSON
     * (a secret pattern could straddle the cut) and a tool with pointers are redacted whole, then cut.
     * The head is {@link #redact}'s but in one case: JSON that is malformed only after the cut, which
     * {@link #redact} masks as text instead.
     *
     * @throws IllegalArgumentException when {@code maxChars} is negative
     */
    public String redactHead(String tool, String json, int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must be >= 0, but was " + maxChars);
        }
        if (json.isEmpty() || maxChars == 0) {
            return "";
        }
        if (pointersByTool.getOrDefault(tool, List.of()).isEmpty()) {
            HeadWriter head = new HeadWriter(maxChars, json.length() + 16);
            try {
                if (copyStreaming(json, head)) {
                    return head.text();
                }
            } catch (HeadWriter.Full full) {
                return head.text();
            } catch (IOException | RuntimeException e) {
                // not JSON after all: redacted whole below, as redact() does
            }
        }
        String whole = redact(tool, json);
        return whole.length() <= maxChars ? whole : whole.substring(0, maxChars);
    }

    /**
     * Keeps the first chars written to it and signals, once, when it has them all: the generator's
     * close then flushes into it without error (so its buffers go back to the pool).
     */
    private static final class HeadWriter extends java.io.Writer {
        /** Thrown through the generator and parser to stop reading; no stack trace. */
        static final class Full extends IOException {
            Full() {
                super("head complete");
            }

            @Override
            public synchronized Throwable fillInStackTrace() {
                return this;
            }
        }

        private final StringBuilder text;
        private final int max;
        private boolean full;

        /** @param expected how long the whole text is likely to be (its capacity, when under {@code max}) */
        HeadWriter(int max, int expected) {
            this.max = max;
            this.text = new StringBuilder(Math.min(max, expected));
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            if (full) {
                return;
            }
            int take = Math.min(len, max - text.length());
            text.append(buf, off, take);
            if (text.length() == max) {
                full = true;
                throw new Full();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        String text() {
            return text.toString();
        }
    }

    /** As the tree does, value by value; null when the text holds no JSON token (the tree decides). */
    private static String redactStreaming(String json) throws IOException {
        StringWriter out = new StringWriter(json.length() + 16);
        return copyStreaming(json, out) ? out.toString() : null;
    }

    /** Writes the first JSON value of {@code json} redacted to {@code out}; false when the text holds no JSON token. */
    private static boolean copyStreaming(String json, java.io.Writer out) throws IOException {
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() == null) {
                return false;
            }
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
                copyRedacted(p, g);
            }
            return true;
        }
    }

    /**
     * Copies the value at the parser's current token, masked as {@link #redact(JsonNode)} masks
     * its tree: numbers are written as the tree holds them (int, long or big integer; floats as
     * doubles), so the text is the tree's.
     */
    private static void copyRedacted(JsonParser p, JsonGenerator g) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    g.writeFieldName(maskValues(name)); // a key can be a secret too (a map keyed by card number)
                    if (value != JsonToken.VALUE_NULL && isSecretKey(name)) {
                        g.writeString(MASK);
                        p.skipChildren();
                    } else {
                        copyRedacted(p, g);
                    }
                }
                g.writeEndObject();
            }
            case START_ARRAY -> {
                g.writeStartArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    copyRedacted(p, g);
                }
                g.writeEndArray();
            }
            case VALUE_STRING -> g.writeString(maskValues(p.getText()));
            case VALUE_NUMBER_INT -> {
                switch (p.getNumberType()) {
                    case INT -> g.writeNumber(p.getIntValue()); // at most 10 digits: never a card number
                    case LONG -> {
                        long v = p.getLongValue();
                        if (v > -SHORTEST_CARD && v < SHORTEST_CARD) {
                            g.writeNumber(v); // fewer than 13 digits, no text made to count them
                        } else {
                            writeIntegral(g, Long.toString(v), () -> g.writeNumber(v));
                        }
                    }
                    default -> {
                        java.math.BigInteger v = p.getBigIntegerValue();
                        writeIntegral(g, v.toString(), () -> g.writeNumber(v));
                    }
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                double v = p.getDoubleValue();
                if (wholeLooksLikeCard(v)) {
                    g.writeString(MASK); // 4111111111111111.0 or 4.111111111111111E15: a card number through a double
                } else {
                    g.writeNumber(v);
                }
            }
            case VALUE_TRUE -> g.writeBoolean(true);
            case VALUE_FALSE -> g.writeBoolean(false);
            case VALUE_NULL -> g.writeNull();
            default -> throw new IOException("unexpected JSON token " + p.currentToken());
        }
    }

    private interface NumberWrite {
        void write() throws IOException;
    }

    private static void writeIntegral(JsonGenerator g, String text, NumberWrite number) throws IOException {
        if (looksLikeCard(text)) {
            g.writeString(MASK);
        } else {
            number.write();
        }
    }

    /** The whole text through a JSON tree, as every redaction once went: the oracle of the streamed one's tests. */
    String redactAsTree(String json) {
        return json.isEmpty() ? json : redactTree(json, List.of());
    }

    private String redactTree(String json, List<String> pointers) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException | RuntimeException e) {
            return maskValues(json);
        }
        if (node == null) {
            return maskValues(json);
        }
        JsonNode redacted = redact(node);
        for (String pointer : pointers) {
            maskAt(redacted, pointer);
        }
        try {
            return MAPPER.writeValueAsString(redacted); // not toString(): that writes with per-thread buffers
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private JsonNode redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            node.properties().forEach(e -> out.set(maskValues(e.getKey()), isSecretKey(e.getKey()) && !e.getValue().isNull()
                    ? TextNode.valueOf(MASK) : redact(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = MAPPER.createArrayNode();
            node.forEach(item -> out.add(redact(item)));
            return out;
        }
        if (node.isTextual()) {
            String masked = maskValues(node.textValue());
            return masked.equals(node.textValue()) ? node : TextNode.valueOf(masked);
        }
        if (node.isIntegralNumber() && looksLikeCard(node.asText())) {
            return TextNode.valueOf(MASK);
        }
        if (node.isFloatingPointNumber() && wholeLooksLikeCard(node.doubleValue())) {
            return TextNode.valueOf(MASK);
        }
        return node;
    }

    /** Decisions of {@link #isSecretKey} by key: the same few keys come back call after call. Bounded. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Boolean> SECRET_KEY_CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SECRET_KEY_CACHE_SIZE = 4_096;

    static boolean isSecretKey(String key) {
        Boolean known = SECRET_KEY_CACHE.get(key);
        if (known != null) {
            return known;
        }
        boolean secret = decideSecretKey(key);
        if (key.length() <= 64) {
            if (SECRET_KEY_CACHE.size() >= SECRET_KEY_CACHE_SIZE) {
                SECRET_KEY_CACHE.clear(); // arbitrary keys (a map of ids) must not grow it without end
            }
            SECRET_KEY_CACHE.put(key, secret);
        }
        return secret;
    }

    private static boolean decideSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        if (SECRET_KEYS.contains(k)) {
            return true;
        }
        for (String suffix : NOT_SECRET_SUFFIXES) {
            if (k.endsWith(suffix)) {
                return false;
            }
        }
        for (String part : SECRET_KEY_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** Longest key a {@code "key": value} pair in text is checked for (longer ones are not secret-looking names). */
    private static final int MAX_PAIR_KEY = 64;
    /** A form or query parameter in text ({@code key=value}). */
    private static final Pattern FORM_PAIR = Pattern.compile(
            "(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})=([^\\s&;,\"'<>]+)");

    /**
     * Masks secret-looking substrings in free text: the values of {@code "key": value} and
     * {@code key=value} pairs whose key looks secret (as JSON keys are judged), then values that look
     * like secrets wherever they are.
     */
    public static String maskValues(String text) {
        String out = mayHoldSecretPair(text) ? maskPairs(text) : text;
        if (mayHoldSecretValue(out)) { // most values hold none: no regular expression runs
            out = maskSecretValues(out);
        }
        return mayHoldFloatCard(out) ? maskFloatCards(out) : out;
    }

    /** Masks the values of {@link #SECRET_VALUES} and the digit runs that pass for card numbers. */
    private static String maskSecretValues(String text) {
        String out = text;
        for (Pattern p : SECRET_VALUES) {
            out = p.matcher(out).replaceAll(MASK);
        }
        Matcher m = CARD.matcher(out);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            if (looksLikeCard(m.group())) {
                sb.append(out, last, m.start()).append(MASK);
                last = m.end();
            }
        }
        return last == 0 ? out : sb.append(out.substring(last)).toString();
    }

    /**
     * Masks the whole numbers of 13-19 digits written as doubles in text that may be card numbers
     * ({@link #wholeLooksLikeCard}, as for a JSON float): an upstream that puts a card number
     * through a double and then into a string or a message writes {@code 4.111111111111111E15}.
     */
    private static String maskFloatCards(String text) {
        Matcher m = FLOAT_CARD.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            if (wholeLooksLikeCard(Double.parseDouble(m.group()))) {
                if (sb == null) {
                    sb = new StringBuilder(text.length());
                }
                sb.append(text, last, m.start()).append(MASK);
                last = m.end();
            }
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    /**
     * False only when the text holds no exponent of 10 to 18 ({@code E15}, {@code e+12}, {@code E+015}):
     * no number there can be a card's 13-19 digits.
     */
    private static boolean mayHoldFloatCard(String text) {
        for (int i = text.indexOf('1', 1); i >= 0 && i + 1 < text.length(); i = text.indexOf('1', i + 1)) {
            char next = text.charAt(i + 1);
            if (next < '0' || next > '8') {
                continue;
            }
            int j = i - 1;
            while (j > 0 && text.charAt(j) == '0') {
                j--; // zeros written in front of the exponent
            }
            if (text.charAt(j) == '+' && j > 0) {
                j--;
            }
            char e = text.charAt(j);
            if (e == 'E' || e == 'e') {
                return true;
            }
        }
        return false;
    }

    /** False only when the text holds neither {@code :} nor {@code =}: no pair can be in it. */
    static boolean mayHoldSecretPair(String text) {
        return text.indexOf(':') > 0 || text.indexOf('=') > 0;
    }

    private static String maskPairs(String text) {
        return maskFormPairs(maskJsonPairs(text));
    }

    /**
     * Masks the value of each JSON member {@code "key": value} in text whose key looks secret (a
     * {@code null} stays), such as in a body cut off at the size cap and kept as a string. Scanned
     * by hand from each colon, in one pass: a regular expression over an escaped string recurses
     * once per character in Java and overflows the stack on a large body.
     */
    static String maskJsonPairs(String text) {
        StringBuilder out = null;
        int last = 0;
        int colon = text.indexOf(':');
        while (colon > 0) {
            int next = colon + 1;
            int close = colon - 1;
            while (close >= 0 && Character.isWhitespace(text.charAt(close))) {
                close--;
            }
            if (close > last && text.charAt(close) == '"') {
                int open = close - 1;
                int limit = Math.max(last, close - 1 - MAX_PAIR_KEY);
                while (open >= limit && (text.charAt(open) != '"' || (open > 0 && text.charAt(open - 1) == '\\'))) {
                    open--;
                }
                if (open >= limit && isSecretKey(text.substring(open + 1, close))) {
                    int value = colon + 1;
                    while (value < text.length() && Character.isWhitespace(text.charAt(value))) {
                        value++;
                    }
                    int end = valueEnd(text, value);
                    if (end > value && !text.regionMatches(value, "null", 0, Math.max(4, end - value))) {
                        if (out == null) {
                            out = new StringBuilder(text.length());
                        }
                        out.append(text, last, value).append('"').append(MASK).append('"');
                        last = end;
                        next = end;
                    }
                }
            }
            colon = next < text.length() ? text.indexOf(':', next) : -1;
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    /** Where a JSON value starting at {@code start} ends: after its closing quote (or the text), or at , } ] or a blank. */
    private static int valueEnd(String text, int start) {
        int i = start;
        if (i < text.length() && text.charAt(i) == '"') {
            for (i++; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    return i + 1;
                }
            }
            return text.length();
        }
        while (i < text.length() && ",}] \t\r\n".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** Masks the value of each {@code key=value} whose key looks secret. */
    private static String maskFormPairs(String text) {
        if (text.indexOf('=') <= 0) {
            return text;
        }
        Matcher m = FORM_PAIR.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            if (!isSecretKey(m.group(1))) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start(2)).append(MASK);
            last = m.end(2);
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    /** Shortest text any of {@link #SECRET_VALUES} or a card number can match (13 digits). */
    private static final int SHORTEST_SECRET_VALUE = 13;

    /**
     * False only when no pattern can match: the text is shorter than any match, or it holds no run of
     * 13 digits that a card number could be (digits with at most one space or dash between two of
     * them: a date and an order number in one sentence are not one) and none of the fixed parts the
     * other patterns start with.
     */
    static boolean mayHoldSecretValue(String text) {
        if (text.length() < SHORTEST_SECRET_VALUE) {
            return false;
        }
        int run = 0;
        boolean separated = false; // the run's last char is a space or dash after a digit
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++run >= SHORTEST_SECRET_VALUE) {
                    return true;
                }
                separated = false;
            } else if ((c == ' ' || c == '-') && run > 0 && !separated) {
                separated = true;
            } else {
                run = 0;
                separated = false;
            }
        }
        return containsIgnoreCase(text, "bearer") || text.contains("eyJ") || text.contains("-----BEGIN ")
                || text.contains("AKIA") || text.contains("ASIA") || text.contains("tg_");
    }

    /**
     * Whether {@code text} holds {@code lowerNeedle} in any case. Its first char must be an ASCII letter
     * no other character case-folds to (as {@code b} of "bearer"; not {@code i}, {@code k} or {@code s}).
     */
    private static boolean containsIgnoreCase(String text, String lowerNeedle) {
        char lower = lowerNeedle.charAt(0);
        char upper = Character.toUpperCase(lower);
        for (int i = 0; i + lowerNeedle.length() <= text.length(); i++) {
            char c = text.charAt(i); // the full comparison only where the first letter is: a few per text
            if ((c == lower || c == upper) && text.regionMatches(true, i, lowerNeedle, 0, lowerNeedle.length())) {
                return true;
            }
        }
        return false;
    }

    /** The smallest number with 13 digits, the fewest a card number has. */
    private static final long SHORTEST_CARD = 1_000_000_000_000L;

    /** From here on a double no longer holds every whole number: odd ones are rounded. */
    private static final double WHOLE_NUMBERS_EXACT_BELOW = 0x1p53;

    /**
     * Whether a JSON float is a whole number of 13-19 digits that may be a card number: an upstream
     * that passes card numbers through a double writes {@code 4.111111111111111E15}. Under 2^53 (the
     * major networks' 16-digit numbers) the double holds the digits and the Luhn check decides; from
     * 2^53 on it may have rounded them (17-19-digit cards, 16-digit ones from 9007…), so a check on
     * its digits would decide by chance, and every such whole number is taken for a card. Round
     * numbers ({@code 1.8E13}, {@code 1e18}: fewer than {@value #FEWEST_CARD_FLOAT_DIGITS} significant
     * digits) are amounts and counts, never taken for one.
     */
    private static boolean wholeLooksLikeCard(double v) {
        double a = Math.abs(v);
        if (!(a >= SHORTEST_CARD) || a >= 1e19 || a != Math.rint(a)) {
            return false; // NaN and infinities fail the first test
        }
        if (significantDigits(a) < FEWEST_CARD_FLOAT_DIGITS) {
            return false; // a round number (1.8E13, 1e18): an amount or a count, not an account number
        }
        return a >= WHOLE_NUMBERS_EXACT_BELOW || looksLikeCard(Long.toString((long) a));
    }

    /**
     * The fewest significant digits a card number written as a double shows: its digits up to the
     * last non-zero one, so one of 16 digits ending in up to six zeros (of 13, in up to three) still
     * counts; Java writes a 16-digit one with 16 or 17 ({@code 4.111111111111111E15}).
     */
    private static final int FEWEST_CARD_FLOAT_DIGITS = 10;

    /** The significant digits of {@code a}'s shortest decimal form ({@link Double#toString}): 4.1E15 has two. */
    private static int significantDigits(double a) {
        String text = Double.toString(a);
        int end = text.indexOf('E');
        String mantissa = end < 0 ? text : text.substring(0, end);
        int first = -1;
        int last = -1;
        for (int i = 0; i < mantissa.length(); i++) {
            char c = mantissa.charAt(i);
            if (c >= '1' && c <= '9') {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        if (first < 0) {
            return 0;
        }
        int digits = 0;
        for (int i = first; i <= last; i++) {
            if (mantissa.charAt(i) != '.') {
                digits++;
            }
        }
        return digits;
    }

    /** Whether the digits of {@code candidate} (spaces and dashes skipped) are 13-19 and pass the Luhn check. */
    private static boolean looksLikeCard(String candidate) {
        int count = 0;
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c != ' ' && c != '-') {
                count++;
            }
        }
        if (count < 13 || count > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            int d = c - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private static void maskAt(JsonNode root, String pointer) {
        List<String> parts = new ArrayList<>(List.of(pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/", -1)));
        if (parts.isEmpty() || pointer.isEmpty()) {
            return;
        }
        String last = unescape(parts.remove(parts.size() - 1));
        JsonNode parent = root;
        for (String p : parts) {
            parent = parent == null ? null : parent.isArray() ? parent.get(index(p)) : parent.get(unescape(p));
        }
        if (parent instanceof ObjectNode o && o.has(last)) {
            o.set(last, TextNode.valueOf(MASK));
        } else if (parent instanceof ArrayNode a && index(last) >= 0 && index(last) < a.size()) {
            a.set(index(last), TextNode.valueOf(MASK));
        }
    }

    private static int index(String p) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
