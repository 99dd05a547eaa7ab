package dev.toolgate.gateway.session;

import dev.toolgate.gateway.core.Digests;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The call ids of compensating calls, derived from the original call id and the attempt:
 * {@code comp-<attempt>:<original call id>} (the original's SHA-256, 32 hex, when it is too long to
 * fit in 128 chars). The same original and attempt always give the same id, so the exactly-once
 * machinery of call ids makes a concurrent or repeated command — on any instance, after a restart —
 * execute each attempt once.
 */
public final class CompensationIds {
    /** Attempts per compensation before the gateway stops retrying it. */
    public static final int MAX_ATTEMPTS = 100;
    private static final Pattern ID = Pattern.compile("comp-([1-9][0-9]{0,2}):(.+)");
    private static final int MAX_ID = 128;

    private CompensationIds() {
    }

    /** The call id of {@code attempt} (1-based) at compensating {@code originalCallId}. */
    public static String of(String originalCallId, int attempt) {
        if (attempt < 1 || attempt > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("attempt must be 1-" + MAX_ATTEMPTS + ", but was " + attempt);
        }
        String prefix = "comp-" + attempt + ":";
        return prefix + (prefix.length() + originalCallId.length() <= MAX_ID ? originalCallId : digest(originalCallId));
    }

    /** An attempt at compensating a call, as read back from a call id. */
    public record Attempt(int attempt, String original) {
        /** True when this attempt compensates {@code originalCallId}. */
        public boolean compensates(String originalCallId) {
            return original.equals(originalCallId) || original.equals(digest(originalCallId));
        }
    }

    /** The attempt a call id names, if it has the form of a compensating call's id. */
    public static Optional<Attempt> parse(String callId) {
        Matcher m = ID.matcher(callId);
        return m.matches() ? Optional.of(new Attempt(Integer.parseInt(m.group(1)), m.group(2))) : Optional.empty();
    }

    private static String digest(String callId) {
        return Digests.sha256Hex(callId).substring(0, 32);
    }
}
