package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.catalog.Catalog;
import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One instance on H2: nothing listens or is sent, and the changes that would announce themselves still apply here. */
class ClusterBusOnH2Test {
    @Test
    void onH2_busIsInactive_andLocalInvalidationsStillWork() {
        try (ApplicationContext h2 = ApplicationContext.run(Map.of(
                "datasources.default.url", "jdbc:h2:mem:cluster-" + System.nanoTime()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1",
                "datasources.default.username", "sa", "datasources.default.password", "",
                "grpc.server.enabled", false, "micronaut.server.port", -1), "test")) {
            PostgresClusterBus bus = h2.getBean(PostgresClusterBus.class);
            assertThat(bus.active()).isFalse();
            assertThatCode(() -> {
                bus.publish(Invalidation.all());
                h2.getBean(Catalog.class).invalidate("acme");
                h2.getBean(Authenticator.class).forgetKey("key-1");
            }).doesNotThrowAnyException();
            assertThat(h2.getBean(Catalog.class).list("acme")).isEmpty();
        }
    }
}
