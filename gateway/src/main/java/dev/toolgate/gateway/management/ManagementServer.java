package dev.toolgate.gateway.management;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.gateway.core.ManagementStarted;
import dev.toolgate.gateway.telemetry.GatewayMetrics;
import dev.toolgate.policy.PolicyEngine;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management listener: {@code GET /metrics} (Prometheus text), {@code GET /health} (the database
 * answers; the body also tells the state of the policy in force, {@link PolicyHealth}), {@code GET /ready} (new calls welcome: {@code 503 DRAINING} once a {@link Drain} began) and
 * {@code GET /live} (the process answers), on their own address ({@code toolgate.management.host}, loopback by default) and port, apart from the port agents
 * use. Served by the JDK's HTTP server on virtual threads, so nothing here runs on the Netty event loop;
 * the metrics that need the database are computed in the background ({@link GatewayMetrics}).
 * Started with the application context; a port that cannot be bound stops the start. Thread-safe.
 */
@Context
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    private static final int HEALTH_TIMEOUT_SECONDS = 2;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("management-", 0).factory());
    private final GatewayMetrics metrics;
    private final DataSource dataSource;
    private final Drain drain;
    private final PolicyEngine policy;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    ManagementServer(ManagementConfig config, GatewayMetrics metrics, DataSource dataSource, Drain drain,
            PolicyEngine policy, ApplicationEventPublisher<ManagementStarted> events) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.policy = requireNonNull(policy, "policy");
        this.drain = requireNonNull(drain, "drain");
        this.dataSource = DelegatingDataSource.unwrapDataSource(requireNonNull(dataSource, "dataSource"));
        try {
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the management listener to " + config.host() + ":"
                    + config.port() + " (set TOOLGATE_MANAGEMENT_HOST / TOOLGATE_MANAGEMENT_PORT): " + e.getMessage(), e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("management listener (/metrics, /health, /ready, /live) on {}:{}", config.host(), port());
        events.publishEvent(new ManagementStarted(config.host(), port()));
    }

    /** The port the listener bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean get = exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
            if (path.equals("/metrics") && get) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
                writer.write(out, metrics.registry().scrape());
                send(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
            } else if (path.equals("/health") && get) {
                boolean up = databaseAnswers();
                send(exchange, up ? 200 : 503, "application/json", PolicyHealth.body(up, policy.status()));
            } else if (path.equals("/ready") && get) {
                boolean ready = drain.ready();
                String status = ready ? "READY" : drain.draining() ? "DRAINING" : "STARTING";
                send(exchange, ready ? 200 : 503, "application/json",
                        ("{\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/live") && get) {
                send(exchange, 200, "application/json", "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, "text/plain; charset=utf-8",
                        "not found: the management listener serves GET /metrics, /health, /ready and /live\n"
                                .getBytes(StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            LOG.warn("management request failed", e);
        }
    }

    private boolean databaseAnswers() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(HEALTH_TIMEOUT_SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @PreDestroy
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
