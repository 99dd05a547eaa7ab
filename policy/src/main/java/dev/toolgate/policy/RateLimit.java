package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token bucket: {@code permits} calls per {@code period}, at most {@code burst} at once,
 * counted separately for each tenant, agent, tool or agent+tool ({@link Per}). Immutable.
 */
public record RateLimit(String id, long permits, Duration period, long burst, Per per, List<Glob> tools,
        List<Glob> agents, SourcePosition position) {

    /** What one bucket counts. Every bucket also belongs to one tenant. */
    public enum Per {
        TENANT, AGENT, TOOL, AGENT_TOOL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern RATE = Pattern.compile(
            "\\s*(\\d{1,9})\\s*/\\s*(\\d{0,6})\\s*(s|sec|second|m|min|minute|h|hour|d|day)\\s*");

    public RateLimit {
        requireNonNull(id, "id");
        requireNonNull(period, "period");
        requireNonNull(per, "per");
        tools = List.copyOf(tools);
        agents = List.copyOf(agents);
        requireNonNull(position, "position");
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be >= 1");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive");
        }
    }

    /** Tokens added per nanosecond. */
    public double ratePerNano() {
        return (double) permits / period.toNanos();
    }

    public boolean applies(String qualifiedTool, String agentId) {
        return anyMatches(tools, qualifiedTool) && anyMatches(agents, agentId); // loops: on every call's path
    }

    private static boolean anyMatches(List<Glob> globs, String value) {
        for (int i = 0; i < globs.size(); i++) {
            if (globs.get(i).matches(value)) {
                return true;
            }
        }
        return false;
    }

    /** A parsed {@code 60/min}-style rate. */
    public record Rate(long permits, Duration period) {
    }

    /**
     * Parses {@code N/unit} or {@code N/Kunit}: {@code 60/min}, {@code 10/s}, {@code 1000/hour},
     * {@code 5/10s}. Units: s, sec, second, m, min, minute, h, hour, d, day.
     *
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static Rate parseRate(String text) {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate; write calls/period such as 60/min,"
                    + " 10/s, 1000/hour or 5/10s");
        }
        long permits = Long.parseLong(m.group(1));
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        if (permits < 1 || count < 1) {
            throw new IllegalArgumentException("'" + text + "': calls and period must be at least 1");
        }
        Duration unit = switch (m.group(3)) {
            case "s", "sec", "second" -> Duration.ofSeconds(1);
            case "m", "min", "minute" -> Duration.ofMinutes(1);
            case "h", "hour" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
        return new Rate(permits, unit.multipliedBy(count));
    }

    public String describe() {
        return permits + " calls per " + human(period) + " per " + per.label().replace('_', '+');
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s == 86_400 ? "day" : s / 86_400 + " days";
        }
        if (s % 3600 == 0) {
            return s == 3600 ? "hour" : s / 3600 + " hours";
        }
        if (s % 60 == 0) {
            return s == 60 ? "minute" : s / 60 + " minutes";
        }
        return s == 1 ? "second" : s + " seconds";
    }
}
