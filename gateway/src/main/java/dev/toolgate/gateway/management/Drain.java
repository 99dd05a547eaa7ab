package dev.toolgate.gateway.management;

import static java.util.Objects.requireNonNull;

import io.grpc.Server;
import io.micronaut.context.BeanProvider;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orderly stop of a gateway that is taken out of service ({@code SIGTERM}), run before the
 * application context closes:
 * <ol>
 * <li>{@code /ready} answers {@code 503 DRAINING} at once, and calls are still accepted for
 *     {@code toolgate.shutdown.drain-delay}, the time a load balancer needs to stop sending here;</li>
 * <li>then the gRPC server refuses new calls ({@code UNAVAILABLE}: another instance takes the retry),
 *     ends the session watches (WatchSession; their clients watch again elsewhere) and lets the calls in
 *     flight finish for up to {@code toolgate.shutdown.grace-period};</li>
 * <li>calls still running after that are cancelled: one not yet sent upstream is recorded as not sent
 *     (its call id free for a retry), one waiting for its upstream as not answered.</li>
 * </ol>
 * The context's close then writes the audit records still buffered. Thread-safe; {@link #drain} runs once.
 */
@Singleton
public final class Drain {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

    private final ShutdownConfig config;
    private final BeanProvider<GrpcEmbeddedServer> grpc;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final BeanProvider<dev.toolgate.gateway.session.SessionWatches> watches;

    Drain(ShutdownConfig config, BeanProvider<GrpcEmbeddedServer> grpc,
            BeanProvider<dev.toolgate.gateway.session.SessionWatches> watches) {
        this.watches = requireNonNull(watches, "watches");
        this.config = requireNonNull(config, "config");
        this.grpc = requireNonNull(grpc, "grpc");
    }

    /** Whether new calls should be sent here: the gRPC server runs and no drain has begun. */
    public boolean ready() {
        return !draining.get() && grpc.find(null).map(GrpcEmbeddedServer::isRunning).orElse(false);
    }

    /** Whether a drain has begun. */
    public boolean draining() {
        return draining.get();
    }

    /**
     * Drains as described above and returns when the gRPC server has stopped; a second call returns at
     * once. Blocks for up to drain delay + grace period + a few seconds.
     */
    public void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        LOG.info("draining: /ready answers 503 for {} before new calls are refused", config.drainDelay());
        try {
            Thread.sleep(config.drainDelay());
            Server server = grpc.find(null).map(GrpcEmbeddedServer::getServer).orElse(null);
            if (server == null) {
                return;
            }
            server.shutdown();
            // session watches never end by themselves: they end now, and their clients watch again elsewhere
            watches.find(null).ifPresent(dev.toolgate.gateway.session.SessionWatches::endAll);
            LOG.info("draining: new calls refused; waiting up to {} for the calls in flight", config.gracePeriod());
            if (!server.awaitTermination(config.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("draining: calls still running after {}; cancelling them", config.gracePeriod());
                server.shutdownNow();
                server.awaitTermination(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            LOG.info("draining: done");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
