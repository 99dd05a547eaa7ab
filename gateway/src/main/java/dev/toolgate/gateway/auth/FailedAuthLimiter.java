package dev.toolgate.gateway.auth;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.toolgate.gateway.error.GatewayException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Limits failed authentications per peer address ({@code toolgate.auth.failed-attempts-per-peer}
 * a minute, 60 by default, refilled evenly): a peer that used them up is refused before its
 * credentials are looked at, valid or not, until the bucket refills, with {@code RESOURCE_EXHAUSTED}
 * / {@code AUTH_RATE_LIMITED} and when to retry. IPv6 peers count per /64. At most
 * {@code toolgate.auth.tracked-peers} peers (10,000) are tracked; a peer idle for a minute is
 * forgotten (its bucket would be full again). A null peer (in-process calls) is not limited; 0
 * turns the limit off. Thread-safe.
 */
@Singleton
public final class FailedAuthLimiter {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perPeer;
    private final Cache<InetAddress, Bucket> buckets;
    private final TimeMeter time;

    @Inject
    public FailedAuthLimiter(AuthProperties config, Clock clock) {
        this(config.failedAttemptsPerPeer(), config.trackedPeers(), clock);
    }

    public FailedAuthLimiter(int perPeer, int trackedPeers, Clock clock) {
        requireNonNull(clock, "clock");
        if (perPeer < 0) {
            throw new IllegalArgumentException("toolgate.auth.failed-attempts-per-peer must not be negative, but was "
                    + perPeer);
        }
        if (trackedPeers < 1) {
            throw new IllegalArgumentException("toolgate.auth.tracked-peers must be positive, but was " + trackedPeers);
        }
        this.perPeer = perPeer;
        this.time = new TimeMeter() { // the refill and the idle expiry follow the application's clock
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.buckets = Caffeine.newBuilder().maximumSize(trackedPeers).expireAfterAccess(WINDOW)
                .ticker(time::currentTimeNanos).build();
    }

    /**
     * @throws GatewayException RESOURCE_EXHAUSTED {@code AUTH_RATE_LIMITED} when {@code peer} has no
     *                          failed attempt left
     */
    public void checkAllowed(@Nullable InetAddress peer) {
        if (perPeer == 0 || peer == null) {
            return;
        }
        Bucket bucket = buckets.getIfPresent(bucketKey(peer));
        if (bucket != null && bucket.getAvailableTokens() < 1) {
            long nanos = Math.max(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill(), 1_000_000_000L);
            Duration retryAfter = Duration.ofSeconds((nanos + 999_999_999L) / 1_000_000_000L);
            throw GatewayException.resourceExhausted("AUTH_RATE_LIMITED", "too many failed authentications from this"
                    + " address (toolgate.auth.failed-attempts-per-peer: " + perPeer + " a minute); retry in "
                    + retryAfter.toSeconds() + "s with a valid key", Map.of(), retryAfter);
        }
    }

    /** Counts one failed authentication of {@code peer}. */
    public void recordFailure(@Nullable InetAddress peer) {
        if (perPeer == 0 || peer == null) {
            return;
        }
        buckets.get(bucketKey(peer), p -> Bucket.builder().withCustomTimePrecision(time)
                .addLimit(limit -> limit.capacity(perPeer).refillGreedy(perPeer, WINDOW)).build()).tryConsume(1);
    }

    /** The address itself, or for IPv6 its /64 (one host usually holds a whole /64). */
    private static InetAddress bucketKey(InetAddress peer) {
        if (!(peer instanceof Inet6Address)) {
            return peer;
        }
        byte[] prefix = Arrays.copyOf(peer.getAddress(), 16);
        Arrays.fill(prefix, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }
}
