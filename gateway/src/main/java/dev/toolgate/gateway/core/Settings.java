package dev.toolgate.gateway.core;

import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Duration;
import java.util.List;

/**
 * Checks for configuration values, used by the {@code *Properties} records when they are bound at
 * start-up: a rejected value stops the start with a message that names the key and the value, e.g.
 * {@code toolgate.auth.cache-size must be at least 1, but was 0}. Stateless; thread-safe.
 */
public final class Settings {
    private Settings() {
    }

    /** {@code value}, when it lies in {@code min..max}. */
    public static int range(String key, int value, int min, int max) {
        require(value >= min && value <= max, key, min + ".." + max, value);
        return value;
    }

    /** {@code value}, when it lies in {@code min..max}. */
    public static long range(String key, long value, long min, long max) {
        require(value >= min && value <= max, key, min + ".." + max, value);
        return value;
    }

    /** {@code value}, when it is at least {@code min}. */
    public static int atLeast(String key, int value, int min) {
        require(value >= min, key, "at least " + min, value);
        return value;
    }

    /** {@code value}, when it is longer than zero. */
    public static Duration positive(String key, Duration value) {
        require(value != null && !value.isNegative() && !value.isZero(), key, "positive", value);
        return value;
    }

    /** {@code value}, when it is zero or longer. */
    public static Duration notNegative(String key, Duration value) {
        require(value != null && !value.isNegative(), key, "zero or positive", value);
        return value;
    }

    /** {@code value}, or {@code ""} for an unset key. */
    public static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** An immutable copy of {@code value} without blank entries; empty for an unset key. */
    public static List<String> entries(List<String> value) {
        return value == null ? List.of() : value.stream().filter(s -> s != null && !s.isBlank()).map(String::strip)
                .toList();
    }

    /**
     * Stops the start unless {@code ok}.
     *
     * @throws ConfigurationException "{@code key} must be {@code rule}, but was {@code value}"
     */
    public static void require(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new ConfigurationException(key + " must be " + rule + ", but was " + value);
        }
    }
}
