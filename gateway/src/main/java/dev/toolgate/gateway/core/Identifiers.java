package dev.toolgate.gateway.core;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Names and ids: their syntax, checks that report every problem, and random id generation. */
public final class Identifiers {
    /** Tenant, integration, tool and secret names: lower-case words joined by '_' or '-'. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9]+([_-][a-z0-9]+)*");
    public static final int MAX_NAME_LENGTH = 63;
    /** Client-chosen call ids and session ids; {@link #isCallId} checks it without a matcher. */
    public static final Pattern CALL_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private Identifiers() {
    }

    /** Whether {@code id} is a well-formed call or session id ({@link #CALL_ID}); allocates nothing (every call). */
    public static boolean isCallId(String id) {
        int n = id.length();
        if (n < 1 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The violation for a bad name, or empty when the name is fine. */
    public static Optional<FieldViolation> checkName(String field, String value) {
        if (value.isEmpty()) {
            return Optional.of(new FieldViolation(field, field + " is required"));
        }
        if (value.length() > MAX_NAME_LENGTH || !NAME.matcher(value).matches()) {
            return Optional.of(new FieldViolation(field, field + " '" + abbreviate(value)
                    + "' must be lower-case letters and digits in words joined by '_' or '-' (at most "
                    + MAX_NAME_LENGTH + " chars), e.g. support_desk"));
        }
        return Optional.empty();
    }

    /** Throws INVALID_ARGUMENT listing every violation, when there are any. */
    public static void requireNoViolations(List<FieldViolation> violations) {
        if (!violations.isEmpty()) {
            throw GatewayException.invalidArgument(summary(violations), violations);
        }
    }

    /**
     * Throws INVALID_ARGUMENT listing every violation, each message led by its field when it does
     * not name it already — for requests with many similar parts ({@code tools[3].sql: …}).
     */
    public static void requireNoLocatedViolations(List<FieldViolation> violations) {
        List<FieldViolation> located = new ArrayList<>();
        for (FieldViolation v : violations) {
            located.add(v.message().contains(v.field()) ? v : new FieldViolation(v.field(), v.field() + ": " + v.message()));
        }
        requireNoViolations(located);
    }

    public static String summary(List<FieldViolation> violations) {
        List<String> parts = new ArrayList<>();
        for (FieldViolation v : violations) {
            parts.add(v.message());
        }
        return String.join("; ", parts);
    }

    /** A random id with a readable prefix, e.g. {@code key_3f9a...}; 96 bits of randomness. */
    public static String newId(String prefix) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * A random id that sorts by the time it was made, e.g. {@code call_0193a1b2c3d43f9a...}: 48 bits of
     * milliseconds since the epoch (12 hex digits), then 96 random bits as in {@link #newId}. Ids made
     * in order go to the right edge of an index on them instead of to a random page of it.
     */
    public static String newTimeOrderedId(String prefix, java.time.Instant madeAt) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        HexFormat hex = HexFormat.of();
        String millis = hex.toHexDigits(madeAt.toEpochMilli()).substring(4); // the low 48 bits: until the year 10889
        return prefix + "_" + millis + hex.formatHex(bytes);
    }

    public static SecureRandom random() {
        return RANDOM;
    }

    /** Cuts user-supplied text for inclusion in an error message. */
    public static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
