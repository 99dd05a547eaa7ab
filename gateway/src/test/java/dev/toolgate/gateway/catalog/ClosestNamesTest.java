package dev.toolgate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestNamesTest {
    private static final List<String> KNOWN = List.of("support_desk.create_support_case",
            "support_desk.get_support_case", "billing.refund_invoice");

    @Test
    void of_typo_returnsClosestFirst() {
        assertThat(ClosestNames.of("support_desk.create_suport_case", KNOWN, 3))
                .first().isEqualTo("support_desk.create_support_case");
    }

    @Test
    void of_toolNameWithoutIntegration_findsQualifiedName() {
        assertThat(ClosestNames.of("create_support_case", KNOWN, 3)).contains("support_desk.create_support_case");
    }

    @Test
    void of_unrelatedName_returnsNothing() {
        assertThat(ClosestNames.of("weather.forecast", KNOWN, 3)).isEmpty();
    }

    @Test
    void of_respectsLimit() {
        assertThat(ClosestNames.of("support_desk.xet_support_case", KNOWN, 1)).hasSize(1);
    }
}
