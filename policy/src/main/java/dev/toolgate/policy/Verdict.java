package dev.toolgate.policy;

import java.util.Locale;

/** What a decision says about a call. */
public enum Verdict {
    /** Run it. */
    ALLOW,
    /** Run it only after a human confirms (an allowing rule says {@code confirm: true}). */
    CONFIRM,
    /** Refuse it: a deny rule matched, or no rule allowed it. */
    DENY,
    /** Allowed, but a rate limit is used up; retry later. */
    RATE_LIMITED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean permits() {
        return this == ALLOW || this == CONFIRM;
    }
}
