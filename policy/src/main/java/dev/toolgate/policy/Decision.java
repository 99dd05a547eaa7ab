package dev.toolgate.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one policy decision. Immutable.
 *
 * @param ruleId        the rule (or rate limit) that decided; {@link #DEFAULT_DENY} when nothing allowed the call
 * @param reason        why, in words a model can act on (never empty for DENY and RATE_LIMITED)
 * @param version       the version of the tenant policy that decided
 * @param retryAfter    for RATE_LIMITED: when a token will be available again
 * @param selfConfirm   for CONFIRM: the calling key may confirm the call itself (the rule says so)
 */
public record Decision(Verdict verdict, String ruleId, String reason, String version, Optional<Duration> retryAfter,
        boolean selfConfirm) {
    /** Rule id reported when no rule allowed a call. */
    public static final String DEFAULT_DENY = "default-deny";

    public Decision {
        requireNonNull(verdict, "verdict");
        requireNonNull(ruleId, "ruleId");
        requireNonNull(reason, "reason");
        requireNonNull(version, "version");
        requireNonNull(retryAfter, "retryAfter");
    }

    public static Decision allow(String ruleId, String version) {
        return new Decision(Verdict.ALLOW, ruleId, "", version, Optional.empty(), false);
    }

    public static Decision confirm(String ruleId, String reason, String version) {
        return confirm(ruleId, reason, version, false);
    }

    public static Decision confirm(String ruleId, String reason, String version, boolean selfConfirm) {
        return new Decision(Verdict.CONFIRM, ruleId, reason, version, Optional.empty(), selfConfirm);
    }

    public static Decision deny(String ruleId, String reason, String version) {
        return new Decision(Verdict.DENY, ruleId, reason, version, Optional.empty(), false);
    }

    public static Decision rateLimited(String limitId, String reason, String version, Duration retryAfter) {
        return new Decision(Verdict.RATE_LIMITED, limitId, reason, version, Optional.of(retryAfter), false);
    }

    public boolean permits() {
        return verdict.permits();
    }
}
