package dev.toolgate.gateway.session;

import dev.toolgate.observability.CallStatus;
import dev.toolgate.observability.StoredCall;
import java.util.ArrayList;
import java.util.List;

/**
 * A session as a compact text a model can read before its next step: a header with the counts, then
 * one line per call in start order — status, the upstream status, a one-line excerpt of the result
 * as stored (so redacted as the call record is; arguments are never shown), the gateway's message
 * for a failure or refusal, and which calls were compensated or are held for a human. Bounded by a
 * budget in characters (about 4 characters per token): when the lines do not fit, the earliest
 * calls are left out and counted in one line, so the latest steps — those the next one depends on —
 * stay. The same history always gives the same text (nothing time-dependent, no ids generated).
 * Stateless and thread-safe.
 */
public final class SessionSummary {
    /** The budget when the caller names none: about 1,000 tokens. */
    public static final int DEFAULT_MAX_CHARS = 4000;
    public static final int MIN_MAX_CHARS = 200;
    public static final int MAX_MAX_CHARS = 32_000;
    /** Longest excerpt of one call's result or error. */
    static final int EXCERPT_CHARS = 160;

    private SessionSummary() {
    }

    /**
     * The summary of {@code v} within {@code maxChars} (0: {@link #DEFAULT_MAX_CHARS}).
     *
     * @throws IllegalArgumentException for a budget outside {@link #MIN_MAX_CHARS}–{@link #MAX_MAX_CHARS}
     */
    public static String of(Sessions.View v, int maxChars) {
        int budget = budget(maxChars);
        List<StoredCall> calls = v.calls().stream().filter(c -> c.status() != CallStatus.DUPLICATE_CALL_ID).toList();
        int succeeded = 0;
        int failed = 0;
        int held = 0;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            StoredCall c = calls.get(i);
            switch (c.status()) {
                case SUCCEEDED -> succeeded++;
                case PENDING_CONFIRMATION -> held++;
                case RUNNING -> {
                }
                default -> failed++;
            }
            lines.add(line(i + 1, c, calls, v));
        }
        StringBuilder header = new StringBuilder("Session ").append(v.sessionId()).append(": ").append(calls.size())
                .append(calls.size() == 1 ? " call" : " calls").append(" (").append(succeeded).append(" succeeded, ")
                .append(failed).append(" failed or refused, ").append(held).append(" waiting for a human");
        if (!v.compensatedBy().isEmpty()) {
            header.append(", ").append(v.compensatedBy().size()).append(" compensated");
        }
        header.append(')');
        if (v.truncated()) {
            header.append("; only its first ").append(calls.size()).append(" calls are known here");
        }
        if (!v.compensations().isEmpty()) {
            header.append("; rollback requested ").append(v.compensations().size())
                    .append(v.compensations().size() == 1 ? " time" : " times");
        }
        header.append('.');
        return fit(header.toString(), lines, budget);
    }

    static int budget(int maxChars) {
        if (maxChars == 0) {
            return DEFAULT_MAX_CHARS;
        }
        if (maxChars < MIN_MAX_CHARS || maxChars > MAX_MAX_CHARS) {
            throw new IllegalArgumentException("max_chars must be " + MIN_MAX_CHARS + "-" + MAX_MAX_CHARS
                    + " (0 for " + DEFAULT_MAX_CHARS + "), but was " + maxChars);
        }
        return maxChars;
    }

    /** The header and as many of the latest lines as fit, the left-out ones counted. */
    private static String fit(String header, List<String> lines, int budget) {
        String head = cut(header, budget);
        int room = budget - head.length();
        int kept = 0;
        int used = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            int omittedLine = i > 0 ? ("\n… " + i + " earlier calls left out").length() : 0;
            int next = used + 1 + lines.get(i).length();
            if (next + omittedLine > room) {
                break;
            }
            used = next;
            kept++;
        }
        StringBuilder out = new StringBuilder(head);
        int omitted = lines.size() - kept;
        if (omitted > 0 && head.length() + ("\n… " + omitted + " earlier calls left out").length() <= budget) {
            out.append("\n… ").append(omitted).append(omitted == 1 ? " earlier call" : " earlier calls")
                    .append(" left out");
        }
        for (int i = omitted; i < lines.size(); i++) {
            out.append('\n').append(lines.get(i));
        }
        return out.length() <= budget ? out.toString() : out.substring(0, budget);
    }

    private static String line(int n, StoredCall c, List<StoredCall> calls, Sessions.View v) {
        StringBuilder b = new StringBuilder().append(n).append(". ").append(c.toolName()).append(' ')
                .append(c.status().name());
        String compensates = v.compensates().get(c.callId());
        if (compensates != null) {
            b.append(" (rollback of step ").append(stepOf(compensates, calls)).append(')');
        }
        if (c.upstreamStatus() > 0) {
            b.append(" [").append(c.upstreamStatus()).append(']');
        }
        switch (c.status()) {
            case SUCCEEDED, UPSTREAM_ERROR -> {
                if (!c.result().isEmpty()) {
                    b.append(" → ").append(excerpt(c.result()));
                }
            }
            case PENDING_CONFIRMATION -> b.append(": held for a human's approval (call ").append(c.callId())
                    .append("); it has not run");
            case RUNNING -> b.append(": still running");
            default -> {
                if (!c.error().isEmpty()) {
                    b.append(": ").append(excerpt(c.error()));
                }
            }
        }
        String by = v.compensatedBy().get(c.callId());
        if (by != null) {
            b.append(" — undone by step ").append(stepOf(by, calls));
        }
        return b.toString();
    }

    private static String stepOf(String callId, List<StoredCall> calls) {
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).callId().equals(callId) && calls.get(i).status() != CallStatus.DUPLICATE_CALL_ID) {
                return String.valueOf(i + 1);
            }
        }
        return "?";
    }

    /** One line of at most {@link #EXCERPT_CHARS}: whitespace runs folded, control characters dropped. */
    static String excerpt(String text) {
        String line = text.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
        return line.length() <= EXCERPT_CHARS ? line : line.substring(0, EXCERPT_CHARS - 1) + "…";
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
