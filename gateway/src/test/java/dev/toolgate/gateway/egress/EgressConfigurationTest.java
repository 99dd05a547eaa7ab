package dev.toolgate.gateway.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micronaut.context.ApplicationContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The egress configuration is read at start: a bad entry or the removed switch stops the gateway with its reason. */
class EgressConfigurationTest {
    @Test
    void start_withTheRemovedPrivateNetworksSwitch_failsNamingItsReplacement() {
        Throwable e = catchThrowable(() -> ApplicationContext.run(Map.of("grpc.server.port", 0,
                "toolgate.egress.allow-private-networks", true), "test").close());
        assertThat(rootMessage(e)).contains("toolgate.egress.allow-private-networks")
                .contains("TOOLGATE_EGRESS_ALLOW");
    }

    @Test
    void start_withABadEntry_failsNamingTheEntry() {
        Throwable e = catchThrowable(() -> ApplicationContext.run(Map.of("grpc.server.port", 0,
                "toolgate.egress.allow", "10.0.0.0/8,10.0.0.1:99999"), "test").close());
        assertThat(rootMessage(e)).contains("'10.0.0.1:99999'").contains("1-65535");
    }

    @Test
    void start_readsTheListAndTenantLists() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of("grpc.server.port", 0,
                "toolgate.egress.allow", "10.0.0.0/8, db.internal:5432",
                "toolgate.egress.allow-public", false,
                "toolgate.egress.tenants.acme", List.of("10.1.0.0/16", "db.internal:5432")), "test")) {
            EgressRules rules = ctx.getBean(EgressRules.class);
            assertThat(rules.allowPublic()).isFalse();
            assertThat(rules.allow()).extracting(EgressRule::toString).containsExactly("10.0.0.0/8", "db.internal:5432");
            assertThat(rules.toString()).contains("acme=[10.1.0.0/16, db.internal:5432]");
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
