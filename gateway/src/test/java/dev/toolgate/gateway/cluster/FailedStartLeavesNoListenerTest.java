package dev.toolgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.toolgate.gateway.support.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A context whose start fails is never running, so closing it destroys none of its beans: the bus
 * must not have started its {@code cluster-notifications} thread and LISTEN connection by then, or
 * both outlive the context and the thread publishes other instances' invalidations into it (in CI:
 * 21,594 "applying an invalidation from another instance failed" errors and "too many clients").
 */
class FailedStartLeavesNoListenerTest {
    private static final String FAIL = "test.fail-start";

    @ParameterizedTest(name = "start fails in a {0}")
    @ValueSource(strings = {"context-bean", "startup-listener"})
    void startFailingAfterTheBusExists_leavesNoListenerThreadNorListenConnection(String where) throws Exception {
        long threadsBefore = listenerThreads();
        int listensBefore = listenConnections();

        Throwable failure = catchThrowable(() -> start(Map.of(FAIL, where)).close());

        assertThat(failure).hasStackTraceContaining("start refused by the test (" + where + ")");
        assertThat(listenerThreads()).as("live %s threads", PostgresClusterBus.THREAD_NAME).isEqualTo(threadsBefore);
        assertThat(listenConnections()).as("LISTEN connections").isEqualTo(listensBefore);
    }

    @Test
    void startedContext_listens_andClosingItEndsTheThreadAndItsConnection() throws Exception {
        long threadsBefore = listenerThreads();
        int listensBefore = listenConnections();

        try (ApplicationContext ctx = start(Map.of())) {
            assertThat(ctx.getBean(PostgresClusterBus.class).active()).isTrue();
            assertThat(listenerThreads()).isEqualTo(threadsBefore + 1);
            assertThat(listenConnections()).isEqualTo(listensBefore + 1);
        }

        assertThat(listenerThreads()).isEqualTo(threadsBefore);
        assertThat(listenConnections()).isEqualTo(listensBefore);
    }

    /** Starts the gateway on PostgreSQL without servers; a context that fails to start is closed too. */
    private static ApplicationContext start(Map<String, Object> properties) {
        Map<String, Object> all = new HashMap<>(properties);
        all.put("micronaut.server.port", "-1");
        all.put("grpc.server.enabled", "false");
        all.put("datasources.default.maximum-pool-size", "2");
        ApplicationContext ctx = ApplicationContext.builder().environments("test").properties(all).build();
        try {
            return ctx.start();
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    private static long listenerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(PostgresClusterBus.THREAD_NAME)).count();
    }

    /** This database's connections whose last statement was the bus's LISTEN (idle, waiting for notifications). */
    private static int listenConnections() throws SQLException {
        try (Connection c = TestDatabase.dataSource(TestDatabase.url()).getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND query = 'LISTEN " + PostgresClusterBus.CHANNEL + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A bean created at start after the bus (it needs the bus) whose construction fails the start. */
    @Context
    @Requires(property = FAIL, value = "context-bean")
    static final class FailingContextBean {
        FailingContextBean(PostgresClusterBus bus) {
            throw new IllegalStateException("start refused by the test (context-bean), bus active: " + bus.active());
        }
    }

    /** A startup listener that fails the start after every bean was created. */
    @Singleton
    @Requires(property = FAIL, value = "startup-listener")
    static final class FailingStartupListener implements ApplicationEventListener<StartupEvent> {
        @Override
        public void onApplicationEvent(StartupEvent event) {
            throw new IllegalStateException("start refused by the test (startup-listener)");
        }
    }
}
