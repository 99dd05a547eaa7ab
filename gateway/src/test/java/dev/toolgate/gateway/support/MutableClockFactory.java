package dev.toolgate.gateway.support;

import dev.toolgate.gateway.core.ClockFactory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;

/** For tests that move time by hand: the application's clock is a {@link MutableClock} when {@code test.clock=mutable}. */
@Factory
@Requires(property = "test.clock", value = "mutable")
class MutableClockFactory {
    @Singleton
    MutableClock mutableClock() {
        return new MutableClock();
    }

    @Singleton
    @Replaces(value = Clock.class, factory = ClockFactory.class)
    Clock clock(MutableClock clock) {
        return clock;
    }
}
