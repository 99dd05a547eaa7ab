package dev.toolgate.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The gateway's packages form no cycle: every package of {@code dev.toolgate.gateway} (a
 * subpackage such as {@code execution.http} counts on its own) is a slice, and no slice reaches
 * itself through the compiled classes' dependencies (imports, fields, signatures, annotations).
 * The call path ({@code execution}) finds the executors as beans by their kind and names none of
 * them. Reads the main classes only.
 */
class PackageCyclesTest {
    private static final JavaClasses GATEWAY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.toolgate.gateway");

    @Test
    void gatewayPackages_dependOnEachOtherWithoutCycles() {
        slices().matching("dev.toolgate.gateway.(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                .check(GATEWAY);
    }

    @Test
    void callPath_picksExecutorsByKindWithoutNamingAnImplementation() {
        noClasses().that().resideInAPackage("dev.toolgate.gateway.execution")
                .should().dependOnClassesThat().resideInAnyPackage("dev.toolgate.gateway.execution.http..",
                        "dev.toolgate.gateway.execution.mcp..", "dev.toolgate.gateway.sql..")
                .check(GATEWAY);
    }
}
