package dev.toolgate.gateway.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The gateway reads the time of day only through the injected {@link Clock} (made by
 * {@link ClockFactory}), so tests can move it: no main class other than the factory calls
 * {@code Instant.now()}, {@code System.currentTimeMillis()}, the zone-less {@code now()} of the
 * date-time types or makes a system clock. ({@code System.nanoTime()} measures durations and stays.)
 */
class WallClockTest {
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.toolgate.gateway");

    @Test
    void mainClasses_readTheTimeOfDayOnlyThroughTheInjectedClock() {
        ArchRule rule = noClasses().that().doNotHaveFullyQualifiedName(ClockFactory.class.getName())
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .orShould().callMethod(Clock.class, "system", ZoneId.class)
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callConstructor(java.util.Date.class)
                .because("windows and expiry must follow the Clock bean that tests replace with a MutableClock");
        rule.check(GATEWAY);
    }
}
