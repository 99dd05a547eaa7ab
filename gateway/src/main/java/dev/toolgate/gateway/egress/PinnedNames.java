package dev.toolgate.gateway.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Host names as the egress check saw them. {@link EgressGuard} resolves an upstream's name here and
 * checks the addresses; every later lookup of that name in this JVM — the HTTP client's, the JDBC
 * driver's, the MCP client's at connect time — is answered from the same pinned addresses by
 * {@link EgressResolverProvider}, so a name that resolves differently a moment later (DNS rebinding)
 * cannot take a connection past the check. A pin is refreshed by the next check after
 * {@link #REFRESH}; names never checked resolve as usual. Bounded (least recently used names go
 * first). Thread-safe.
 */
public final class PinnedNames {
    /** How long a check reuses a pinned answer before resolving the name again (the JDK's default TTL). */
    static final Duration REFRESH = Duration.ofSeconds(30);
    private static final int MAX_NAMES = 10_000;

    private static final PinnedNames INSTANCE = new PinnedNames();

    private record Pin(List<InetAddress> addresses, long resolvedAtNanos) {
    }

    private final Map<String, Pin> pins = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pin> eldest) {
            return size() > MAX_NAMES;
        }
    };
    private volatile InetAddressResolver system;

    private PinnedNames() {
    }

    public static PinnedNames get() {
        return INSTANCE;
    }

    /** Called by the resolver provider with the JDK's own resolver. */
    void install(InetAddressResolver builtin) {
        this.system = builtin;
    }

    /** Whether connect-time lookups are answered from the pins (the provider is active in this JVM). */
    public boolean active() {
        return system != null;
    }

    /**
     * The addresses of {@code host} for an egress check, pinned for later lookups: the pinned ones
     * while they are fresh, else a new answer from the system resolver.
     */
    List<InetAddress> resolve(String host) throws UnknownHostException {
        String key = host.toLowerCase(Locale.ROOT);
        long now = System.nanoTime();
        synchronized (pins) {
            Pin pin = pins.get(key);
            if (pin != null && now - pin.resolvedAtNanos() < REFRESH.toNanos()) {
                return pin.addresses();
            }
        }
        InetAddressResolver resolver = system;
        List<InetAddress> fresh = resolver == null ? List.of(InetAddress.getAllByName(host))
                : resolver.lookupByName(host, LookupPolicy.of(LookupPolicy.IPV4 | LookupPolicy.IPV6)).toList();
        if (fresh.isEmpty()) {
            throw new UnknownHostException(host);
        }
        synchronized (pins) {
            pins.put(key, new Pin(fresh, now));
        }
        return fresh;
    }

    /** The pinned answer for a lookup, in the order and families the policy asks for; null when not pinned. */
    Stream<InetAddress> lookup(String host, LookupPolicy policy) throws UnknownHostException {
        Pin pin;
        synchronized (pins) {
            pin = pins.get(host.toLowerCase(Locale.ROOT));
        }
        if (pin == null) {
            return null;
        }
        int c = policy.characteristics();
        boolean v4 = (c & LookupPolicy.IPV4) != 0;
        boolean v6 = (c & LookupPolicy.IPV6) != 0;
        List<InetAddress> out = pin.addresses().stream()
                .filter(a -> a instanceof Inet4Address ? v4 : a instanceof Inet6Address && v6)
                .sorted((c & LookupPolicy.IPV4_FIRST) != 0 ? Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1)
                        : (c & LookupPolicy.IPV6_FIRST) != 0 ? Comparator.comparing(a -> a instanceof Inet6Address ? 0 : 1)
                        : (a, b) -> 0)
                .toList();
        if (out.isEmpty()) {
            throw new UnknownHostException(host + " has no address of the requested family");
        }
        return out.stream();
    }
}
