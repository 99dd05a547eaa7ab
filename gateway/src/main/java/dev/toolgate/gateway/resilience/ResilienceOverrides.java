package dev.toolgate.gateway.resilience;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.catalog.HttpBinding;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.FieldViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One integration's own resilience settings; 0 / zero / empty keeps the gateway default. Stored
 * in the integration's settings under {@code "resilience"}. Immutable.
 *
 * @param idempotencyKeyHeader a header the upstream de-duplicates requests by (e.g.
 *        {@code Idempotency-Key}): the gateway sends the call id in it on every request of a
 *        side-effecting tool, which makes retrying such a tool safe
 */
public record ResilienceOverrides(int maxAttempts, int maxConcurrent, int failureRateThreshold,
        Duration openDuration, String idempotencyKeyHeader) {
    public static final ResilienceOverrides NONE = new ResilienceOverrides(0, 0, 0, Duration.ZERO, "");
    private static final String KEY = "resilience";
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");

    /** Every problem, by request field name. */
    public List<FieldViolation> check() {
        List<FieldViolation> out = new ArrayList<>();
        if (maxAttempts < 0 || maxAttempts > 10) {
            out.add(new FieldViolation("max_attempts", "max_attempts must be 1-10 (0 for the default)"));
        }
        if (maxConcurrent < 0 || maxConcurrent > 10_000) {
            out.add(new FieldViolation("max_concurrent", "max_concurrent must be 1-10000 (0 for the default)"));
        }
        if (failureRateThreshold < 0 || failureRateThreshold > 100) {
            out.add(new FieldViolation("failure_rate_threshold", "failure_rate_threshold must be 1-100 (0 for the"
                    + " default)"));
        }
        if (openDuration.isNegative() || openDuration.compareTo(Duration.ofHours(1)) > 0) {
            out.add(new FieldViolation("open_duration", "open_duration must be at most 1 hour (0 for the default)"));
        }
        if (!idempotencyKeyHeader.isEmpty() && (!HEADER.matcher(idempotencyKeyHeader).matches()
                || HttpBinding.isReservedHeader(idempotencyKeyHeader))) {
            out.add(new FieldViolation("idempotency_key_header", "'" + idempotencyKeyHeader + "' is not a header the"
                    + " gateway can set (a token such as Idempotency-Key, not one the gateway sets itself)"));
        }
        return out;
    }

    /**
     * The defaults with these overrides applied.
     *
     * @throws IllegalArgumentException naming a value {@link #check()} would have refused
     */
    public ResilienceConfig applyTo(ResilienceConfig defaults) {
        ResilienceConfig.Builder b = ResilienceConfig.from(defaults);
        if (maxAttempts != 0) {
            b.maxAttempts(maxAttempts);
        }
        if (failureRateThreshold != 0) {
            b.failureRateThreshold(failureRateThreshold);
        }
        if (!openDuration.isZero()) {
            b.openDuration(openDuration);
        }
        if (maxConcurrent != 0) {
            b.maxConcurrent(maxConcurrent);
        }
        return b.build();
    }

    /** The overrides stored in an integration's settings JSON; {@link #NONE} when there are none. */
    public static ResilienceOverrides fromSettings(String settingsJson) {
        try {
            JsonNode r = JsonSupport.mapper().readTree(settingsJson).path(KEY);
            if (!r.isObject()) {
                return NONE;
            }
            return new ResilienceOverrides(r.path("max_attempts").asInt(0), r.path("max_concurrent").asInt(0),
                    r.path("failure_rate_threshold").asInt(0), Duration.ofMillis(r.path("open_duration_ms").asLong(0)),
                    r.path("idempotency_key_header").asText(""));
        } catch (JsonProcessingException e) {
            return NONE;
        }
    }

    /** The settings JSON with these overrides in place of any earlier ones (other keys kept). */
    public String into(String settingsJson) {
        try {
            JsonNode parsed = JsonSupport.mapper().readTree(settingsJson);
            ObjectNode root = parsed.isObject() ? (ObjectNode) parsed : JsonSupport.mapper().createObjectNode();
            root.putObject(KEY).put("max_attempts", maxAttempts).put("max_concurrent", maxConcurrent)
                    .put("failure_rate_threshold", failureRateThreshold).put("open_duration_ms", openDuration.toMillis())
                    .put("idempotency_key_header", idempotencyKeyHeader);
            return root.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored integration settings are not JSON", e);
        }
    }
}
