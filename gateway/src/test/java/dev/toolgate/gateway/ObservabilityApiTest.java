package dev.toolgate.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.toolgate.gateway.execution.RecorderFactory;
import org.junit.jupiter.api.Test;

/**
 * The gateway records calls through the observability API ({@code dev.toolgate.observability}:
 * {@code CallRecorder}, {@code RecorderStats}, the {@code CallStore} SPI…) and names its JDBC
 * implementation ({@code dev.toolgate.observability.jdbc}) in one place only: the factory that
 * wires the recorder (and the bean definitions Micronaut generates for it). Reads the main classes only.
 */
class ObservabilityApiTest {
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.toolgate.gateway");

    @Test
    void gateway_usesTheRecorderImplementationOnlyInItsFactory() {
        noClasses().that().doNotBelongToAnyOf(RecorderFactory.class)
                .and().haveNameNotMatching("dev\\.toolgate\\.gateway\\.execution\\.\\$RecorderFactory\\$.*") // its bean definitions
                .should().dependOnClassesThat().resideInAPackage("dev.toolgate.observability.jdbc..")
                .because("the gateway depends on the observability API; only RecorderFactory wires the JDBC store")
                .check(GATEWAY);
    }

    @Test
    void theFactory_isWhereTheImplementationIsNamed() {
        // the rule above would pass vacuously if the factory no longer named the implementation
        org.assertj.core.api.Assertions.assertThat(GATEWAY.get(RecorderFactory.class).getDirectDependenciesFromSelf())
                .anySatisfy(d -> org.assertj.core.api.Assertions.assertThat(d.getTargetClass().getPackageName())
                        .isEqualTo("dev.toolgate.observability.jdbc"));
    }
}
