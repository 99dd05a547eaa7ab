package dev.toolgate.gateway.core;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one clock of the application; tests replace the bean. Everything that reads the time of day or
 * decides a window (expiry, retention, rate windows, Retry-After dates) takes this {@link Clock};
 * {@code System.nanoTime()} only measures elapsed durations. {@code ClockTest} keeps it that way.
 */
@Factory
public class ClockFactory {
    @Singleton
    Clock clock() {
        return system();
    }

    /** The system clock in UTC, for code that runs without the application context (the CLI's client verbs). */
    public static Clock system() {
        return Clock.systemUTC();
    }
}
