package dev.toolgate.gateway.execution.http;

import dev.toolgate.gateway.error.FieldViolation;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Stops requests to internal addresses (loopback, private, link-local incl. cloud metadata,
 * CGNAT, unique-local, multicast, unspecified) unless {@code toolgate.egress.allow-private-networks}
 * is true. Checked on every request against the resolved addresses. Thread-safe.
 */
@Singleton
public class EgressGuard {
    private final boolean allowPrivate;

    public EgressGuard(@Value("${toolgate.egress.allow-private-networks:false}") boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The reason the host may not be called, or empty when it may. */
    public Optional<String> deniedReason(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.empty(); // the HTTP client reports the unresolvable host as unavailable
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        for (InetAddress a : addresses) {
            if (isInternal(a)) {
                return Optional.of("host '" + host + "' resolves to internal address " + a.getHostAddress()
                        + "; set toolgate.egress.allow-private-networks=true to allow it");
            }
        }
        return Optional.empty();
    }

    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isInternalV4(b);
        }
        if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            byte[] embedded = embeddedV4(b);
            return embedded != null && isInternalV4(embedded);
        }
        return false;
    }

    private static boolean isInternalV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 || first == 10 || first == 127 || first >= 224 // this net, private, loopback, multicast, 240/4, broadcast
                || (first == 172 && second >= 16 && second < 32)
                || (first == 192 && second == 168)
                || (first == 169 && second == 254)
                || (first == 100 && second >= 64 && second < 128) // CGNAT 100.64/10
                || (first == 198 && (second == 18 || second == 19)); // benchmarking 198.18/15
    }

    /** The IPv4 address inside NAT64 (64:ff9b::/96), 6to4 (2002::/16) or IPv4-compatible (::/96) addresses. */
    private static byte[] embeddedV4(byte[] b) {
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        if (nat64) {
            for (int i = 4; i < 12; i++) {
                nat64 &= b[i] == 0;
            }
        }
        return nat64 || compatible ? new byte[] {b[12], b[13], b[14], b[15]} : null;
    }

    /** Syntax check of an integration base URL: absolute http(s), a host, no user info, query or fragment. */
    public static Optional<FieldViolation> checkBaseUrl(String field, String url) {
        String hint = field + " must be an absolute http(s) URL such as https://api.example.com/v1";
        if (url.isEmpty()) {
            return Optional.of(new FieldViolation(field, field + " is required; " + hint));
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return Optional.of(new FieldViolation(field, hint));
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.of(new FieldViolation(field, field + " has no host; " + hint));
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.of(new FieldViolation(field, field
                        + " must not carry user info, a query or a fragment; put credentials in a secret"));
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(new FieldViolation(field, field + " is not a valid URL (" + e.getReason() + "); " + hint));
        }
    }
}
