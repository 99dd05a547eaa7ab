package dev.toolgate.gateway.cluster;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.order.Ordered;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterBus} over PostgreSQL {@code LISTEN/NOTIFY}. One daemon thread holds its own
 * connection (outside the pool) listening on {@value #CHANNEL} and publishes each invalidation
 * from another instance as an application event; sending takes a pooled connection for one
 * {@code SELECT pg_notify(...)}. When the listening connection breaks, the thread connects again
 * every {@code toolgate.cluster.reconnect-delay} and, once back, publishes {@link Invalidation#all()}:
 * whatever was sent meanwhile is lost, so every cache is dropped. On H2 nothing is sent or heard.
 *
 * <p>The thread starts on the {@link StartupEvent}, as the last of its listeners, not in the
 * constructor: a context whose start fails is never running, so closing it destroys no bean, and a
 * thread started earlier would keep its connection and publish into the broken context for as long
 * as the JVM lives. {@link #close()} stops the thread and waits for it.
 */
@Context
public final class PostgresClusterBus implements ClusterBus, ApplicationEventListener<StartupEvent>, Ordered {
    static final String THREAD_NAME = "cluster-notifications";
    static final String CHANNEL = "toolgate_invalidations";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresClusterBus.class);

    private final DataSource dataSource;
    private final ApplicationEventPublisher<Invalidation> events;
    private final long reconnectMillis;
    private final String origin = UUID.randomUUID().toString();
    private final boolean active;
    private final boolean onPostgres;
    private final CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Connection listener;
    private Thread thread;

    public PostgresClusterBus(DataSource dataSource, ApplicationEventPublisher<Invalidation> events,
            ClusterProperties config) {
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        this.events = requireNonNull(events, "events");
        this.reconnectMillis = config.reconnectDelay().toMillis();
        this.onPostgres = isPostgres(this.dataSource);
        this.active = config.notifications() && onPostgres;
    }

    /**
     * Starts listening once every bean of the context is up, and waits (up to 10 s) until it listens,
     * so a started instance hears what the others send from then on.
     */
    @Override
    public synchronized void onApplicationEvent(StartupEvent event) {
        if (!active || closed || thread != null) {
            return;
        }
        thread = Thread.ofPlatform().daemon().name(THREAD_NAME).start(this::listen);
        try {
            if (!listening.await(10, TimeUnit.SECONDS)) {
                LOG.warn("not yet listening for other instances' invalidations; caches expire by their ttl until then");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Last of the startup listeners: a listener before it that fails the start leaves no thread behind. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Whether this instance sends and hears invalidations (PostgreSQL with notifications on). */
    public boolean active() {
        return active;
    }

    /** Whether the database is PostgreSQL (not H2). */
    public boolean onPostgres() {
        return onPostgres;
    }

    @Override
    public void publish(Invalidation invalidation) {
        requireNonNull(invalidation, "invalidation");
        if (!active) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, invalidation.encode(origin));
            ps.execute();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not tell the other instances to drop {} {} (they serve it until its cache ttl): {}",
                    invalidation.kind(), invalidation.tenant(), e.getMessage());
        }
    }

    private void listen() {
        boolean connectedBefore = false;
        while (!closed) {
            try (Connection c = open()) {
                listener = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                listening.countDown();
                if (connectedBefore) {
                    LOG.info("listening for other instances' invalidations again; dropping every cache");
                    events.publishEvent(Invalidation.all());
                }
                connectedBefore = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(1_000);
                    if (received != null) {
                        for (PGNotification n : received) {
                            deliver(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("the connection listening for other instances' invalidations broke; trying again in {} ms: {}",
                        reconnectMillis, e.getMessage());
                sleep();
            }
        }
    }

    private void deliver(String payload) {
        if (closed) {
            return;
        }
        Invalidation.decode(payload).ifPresentOrElse(r -> {
            if (!r.origin().equals(origin)) {
                try {
                    events.publishEvent(r.invalidation());
                } catch (RuntimeException e) {
                    LOG.error("applying an invalidation from another instance failed: {}", r.invalidation(), e);
                }
            }
        }, () -> LOG.warn("ignored a notification on {} that is not an invalidation", CHANNEL));
    }

    private Connection open() throws SQLException {
        if (dataSource instanceof HikariDataSource h && h.getJdbcUrl() != null) {
            return DriverManager.getConnection(h.getJdbcUrl(), h.getUsername(), h.getPassword());
        }
        return dataSource.getConnection();
    }

    private void sleep() {
        try {
            Thread.sleep(reconnectMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private static boolean isPostgres(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return "PostgreSQL".equalsIgnoreCase(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            return false; // the start fails on the database elsewhere, naming it
        }
    }

    /** Stops the listening thread, closes its connection and waits (up to 5 s) until the thread ended. */
    @PreDestroy
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null) {
            return;
        }
        t.interrupt();
        Connection c = listener;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        try {
            if (!t.join(Duration.ofSeconds(5))) {
                LOG.warn("the thread listening for other instances' invalidations did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
