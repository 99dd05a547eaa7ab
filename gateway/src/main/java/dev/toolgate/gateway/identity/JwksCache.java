package dev.toolgate.gateway.identity;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.jwk.JWKSet;
import dev.toolgate.gateway.error.GatewayException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public signing keys of identity providers, by JWKS URL: fetched on first use, used for
 * {@code toolgate.identity.jwks-ttl}, and fetched again early when a token names a key the cached
 * set lacks (the provider rotated its keys) — such early fetches at most once per
 * {@code toolgate.identity.jwks-min-refresh}, however many tokens with unknown keys arrive. Parallel callers of one URL wait for one
 * fetch. A provider that cannot be reached keeps its last keys in use. Thread-safe.
 */
@Singleton
public class JwksCache {
    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    /** Largest JWKS document read. */
    static final int MAX_BYTES = 512 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final long ttlNanos;
    private final long minRefreshNanos;
    private final LongSupplier nanoTime;
    private final Map<URI, Slot> slots = new ConcurrentHashMap<>();

    /** One URL's keys; its monitor serialises fetches of that URL. */
    private static final class Slot {
        private JWKSet keys;
        private long fetchedAt;
        private boolean refreshedEarly;
        private long refreshedEarlyAt;
    }

    public JwksCache(IdentityProperties properties) {
        this(properties, System::nanoTime);
    }

    JwksCache(IdentityProperties properties, LongSupplier nanoTime) {
        this.timeout = properties.jwksTimeout();
        this.ttlNanos = properties.jwksTtl().toNanos();
        this.minRefreshNanos = properties.jwksMinRefresh().toNanos();
        this.nanoTime = requireNonNull(nanoTime, "nanoTime");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The provider's keys, fetched when not cached or older than the ttl.
     *
     * @throws GatewayException UNAVAILABLE {@code IDENTITY_PROVIDER_UNAVAILABLE} when they were never fetched and
     *         cannot be now
     */
    public JWKSet keys(URI url) {
        Slot slot = slots.computeIfAbsent(url, u -> new Slot());
        synchronized (slot) {
            if (slot.keys == null || nanoTime.getAsLong() - slot.fetchedAt - ttlNanos >= 0) {
                fetchInto(slot, url);
            }
            return slot.keys;
        }
    }

    /**
     * The keys fetched again because a token names a key {@code seen} lacks; empty when an early
     * fetch ran less than {@code jwks-min-refresh} ago (when a parallel caller fetched while this one
     * waited, its newer set is returned).
     */
    public Optional<JWKSet> refreshed(URI url, JWKSet seen) {
        Slot slot = slots.computeIfAbsent(url, u -> new Slot());
        synchronized (slot) {
            if (slot.keys != null && slot.keys != seen) {
                return Optional.of(slot.keys); // a parallel caller fetched while this one waited
            }
            long now = nanoTime.getAsLong();
            if (slot.refreshedEarly && now - slot.refreshedEarlyAt - minRefreshNanos < 0) {
                return Optional.empty();
            }
            slot.refreshedEarly = true;
            slot.refreshedEarlyAt = now;
            fetchInto(slot, url);
            return Optional.of(slot.keys);
        }
    }

    private void fetchInto(Slot slot, URI url) {
        try {
            slot.keys = fetch(url);
        } catch (GatewayException e) {
            if (slot.keys == null) {
                throw e;
            }
            LOG.warn("JWKS {} could not be fetched again; its last keys stay in use: {}", url, e.getMessage());
        }
        slot.fetchedAt = nanoTime.getAsLong(); // a failed fetch is not retried before the next interval either
    }

    private JWKSet fetch(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                .GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] bytes = body.readNBytes(MAX_BYTES + 1);
                if (response.statusCode() != 200) {
                    throw unavailable(url, "it answered HTTP " + response.statusCode());
                }
                if (bytes.length > MAX_BYTES) {
                    throw unavailable(url, "its JWK set is larger than " + MAX_BYTES + " bytes");
                }
                JWKSet keys = JWKSet.parse(new String(bytes, StandardCharsets.UTF_8)).toPublicJWKSet();
                LOG.info("fetched {} signing key(s) from {}", keys.size(), url);
                return keys;
            }
        } catch (IOException e) {
            throw unavailable(url, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (ParseException e) {
            throw unavailable(url, "its answer is no JWK set (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(url, "interrupted");
        }
    }

    private static GatewayException unavailable(URI url, String why) {
        return GatewayException.unavailable("IDENTITY_PROVIDER_UNAVAILABLE", "the tenant's identity provider keys"
                + " could not be fetched from " + url + ": " + why + "; retry later", Map.of());
    }
}
