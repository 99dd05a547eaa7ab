package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportNamesTest {
    private static final String PROVIDER_RULE = "^[a-zA-Z0-9_-]{1,64}$";

    @Test
    void of_shortName_replacesTheDot() {
        assertThat(ExportNames.of("support_desk.create_support_case")).isEqualTo("support_desk__create_support_case");
    }

    @Test
    void of_longName_isShortenedStablyWithinTheProviderRule() {
        String longName = "a-very-long-integration-name-for-testing." + "x".repeat(50);
        String exported = ExportNames.of(longName);

        assertThat(exported).hasSize(64).matches(PROVIDER_RULE).isEqualTo(ExportNames.of(longName));
        assertThat(exported).startsWith("a-very-long-integration-name-for-testing__xxxxxxxxxxxx");
    }

    @Test
    void of_longNamesSharingAPrefix_stayDistinct() {
        String prefix = "integration." + "y".repeat(60);
        assertThat(ExportNames.of(prefix + "_one")).isNotEqualTo(ExportNames.of(prefix + "_two"));
    }

    @Test
    void of_exactly64_isKept() {
        String name = "i." + "z".repeat(61);
        assertThat(ExportNames.of(name)).isEqualTo("i__" + "z".repeat(61)).hasSize(64);
    }
}
