package dev.toolgate.gateway.resilience;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.UpstreamFailure;
import dev.toolgate.gateway.upstream.UpstreamResponse;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The protection of one integration's upstream: a bulkhead that caps calls in flight, a
 * circuit breaker that stops calling an upstream that keeps failing, and retries of calls that
 * are safe to repeat. Thread-safe.
 */
public final class IntegrationGuard {
    /** Statuses worth another try: rate limited, bad gateway, unavailable, gateway timeout. */
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
    /** A retry is not started with less time than this left. */
    private static final Duration MIN_ATTEMPT = Duration.ofMillis(50);

    private final String integration;
    private final CircuitBreaker circuit;
    private final Bulkhead bulkhead;
    private final ResilienceConfig config;
    private final IntervalFunction backoff;
    private final boolean idempotencyKeys;
    private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();

    IntegrationGuard(String integration, CircuitBreaker circuit, Bulkhead bulkhead, ResilienceConfig config,
            boolean idempotencyKeys) {
        this.idempotencyKeys = idempotencyKeys;
        this.integration = requireNonNull(integration, "integration");
        this.circuit = requireNonNull(circuit, "circuit");
        this.bulkhead = requireNonNull(bulkhead, "bulkhead");
        this.config = requireNonNull(config, "config");
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), 2.0, 0.5,
                config.maxBackoff());
    }

    /**
     * A call's place in the bulkhead and the circuit's permission for its first try; close it
     * when the call is done (an unused permission is handed back). Not thread-safe: one call.
     */
    public final class Permit implements AutoCloseable {
        private boolean firstTryPermitted = true;

        private boolean takeFirstTry() {
            boolean had = firstTryPermitted;
            firstTryPermitted = false;
            return had;
        }

        @Override
        public void close() {
            if (firstTryPermitted) {
                firstTryPermitted = false;
                circuit.releasePermission();
            }
            bulkhead.onComplete();
        }
    }

    /**
     * Admits a call: the circuit lets it through (an open circuit turns half-open once its time
     * is up) and the bulkhead has room.
     *
     * @throws GatewayException UNAVAILABLE ({@code CIRCUIT_OPEN}, {@code BULKHEAD_FULL}) with a message a
     *         model can act on; nothing was sent
     */
    public Permit admit(String callId) {
        if (!circuit.tryAcquirePermission()) {
            throw circuitOpen(callId);
        }
        if (!bulkhead.tryAcquirePermission()) {
            circuit.releasePermission();
            throw GatewayException.unavailable("BULKHEAD_FULL", "integration '" + integration + "' already has "
                    + config.maxConcurrent() + " calls in flight, the most it may; nothing was sent — retry in a moment",
                    Map.of("call_id", callId, "integration", integration));
        }
        return new Permit();
    }

    /** Tries sent again since start. */
    public long retries() {
        return retries.get();
    }

    /** Calls in flight now (taking a place in the bulkhead). */
    public int inFlight() {
        return config.maxConcurrent() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    /** The integration's name. */
    public String integration() {
        return integration;
    }

    /** The circuit's state, for errors and metrics. */
    public CircuitBreaker.State state() {
        return circuit.getState();
    }

    /**
     * Whether a call may be sent more than once: the tool is read-only or idempotent, or the
     * upstream de-duplicates by the idempotency key the gateway sends.
     */
    public boolean retriable(boolean readOnly, boolean idempotent) {
        return readOnly || idempotent || idempotencyKeys;
    }

    /**
     * The call guarded: each try counts for the circuit; a safe call is tried again after a
     * connection failure or a 429/502/503/504, with exponential backoff and jitter (or the
     * upstream's {@code Retry-After}), never past the deadline and never once the circuit opens.
     *
     * @param safe the tool is read-only or idempotent
     */
    public PreparedCall guard(PreparedCall call, boolean safe, String callId, Permit permit) {
        return timeout -> send(call, safe, timeout, callId, permit);
    }

    private UpstreamResponse send(PreparedCall call, boolean safe, Duration timeout, String callId, Permit permit) {
        long deadline = System.nanoTime() + timeout.toNanos();
        io.opentelemetry.api.trace.Span.current().setAttribute("toolgate.circuit.state", circuit.getState().name());
        for (int attempt = 1; ; attempt++) {
            boolean permitted = attempt == 1 && permit.takeFirstTry() || circuit.tryAcquirePermission();
            if (!permitted) {
                throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, circuitOpen(callId).getMessage());
            }
            long start = System.nanoTime();
            Duration left = attempt == 1 ? timeout : Duration.ofNanos(deadline - start);
            Optional<Duration> wait;
            try {
                UpstreamResponse r = call.send(left);
                long took = System.nanoTime() - start;
                if (r.status() >= 500 || r.status() == 429) {
                    circuit.onError(took, TimeUnit.NANOSECONDS, new UpstreamStatusException(r.status()));
                } else {
                    circuit.onSuccess(took, TimeUnit.NANOSECONDS);
                }
                if (!safe || !RETRYABLE.contains(r.status()) || attempt >= config.maxAttempts()) {
                    return r;
                }
                wait = Optional.of(r.retryAfter().orElse(Duration.ofMillis(backoff.apply(attempt))));
                if (!fits(wait.get(), deadline)) {
                    return r; // no time for another try: the caller gets this answer
                }
            } catch (UpstreamFailure f) {
                boolean cancelled = Thread.currentThread().isInterrupted(); // the caller went away
                if (cancelled) {
                    circuit.releasePermission(); // says nothing about the upstream's health
                } else {
                    circuit.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, f);
                }
                boolean retryable = f.kind() == UpstreamFailure.Kind.UNAVAILABLE && !cancelled;
                if (!safe || !retryable || attempt >= config.maxAttempts()) {
                    throw f;
                }
                wait = Optional.of(Duration.ofMillis(backoff.apply(attempt)));
                if (!fits(wait.get(), deadline)) {
                    throw f;
                }
            } catch (RuntimeException | Error e) {
                circuit.releasePermission(); // a fault of ours, not the upstream's: no permission may leak
                throw e;
            }
            sleep(wait.get());
            retries.incrementAndGet();
            io.opentelemetry.api.trace.Span.current().setAttribute("toolgate.retries", (long) attempt);
        }
    }

    /** A wait longer than the longest backoff, or one that leaves no time to try, is not taken. */
    private boolean fits(Duration wait, long deadline) {
        return wait.compareTo(config.maxBackoff()) <= 0
                && System.nanoTime() + wait.toNanos() + MIN_ATTEMPT.toNanos() < deadline;
    }

    private GatewayException circuitOpen(String callId) {
        return GatewayException.unavailable("CIRCUIT_OPEN", "integration '" + integration + "' failed too often"
                + " recently, so the gateway is not calling it for up to " + config.openDuration().toSeconds()
                + " s; nothing was sent — try again later, or use another tool",
                Map.of("call_id", callId, "integration", integration));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "the caller cancelled the call while the gateway"
                    + " waited to retry it");
        }
    }

    /** An upstream answer the circuit counts as a failure. */
    private static final class UpstreamStatusException extends RuntimeException {
        UpstreamStatusException(int status) {
            super("upstream status " + status, null, false, false);
        }
    }
}
