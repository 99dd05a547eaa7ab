package dev.toolgate.gateway.egress;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress check every client runs before it connects (HTTP tools, OAuth token fetches, MCP
 * servers, SQL databases): the host is resolved, each address is checked against the
 * {@link EgressRules} and the gateway's {@link LocalEndpoints}, and the checked addresses are
 * pinned ({@link PinnedNames}) so the client's own lookup at connect time gets the same ones.
 * Thread-safe.
 */
public final class EgressGuard {
    private static final Logger LOG = LoggerFactory.getLogger(EgressGuard.class);

    private final EgressRules rules;
    private final LocalEndpoints own;
    private final PinnedNames pins;

    public EgressGuard(EgressRules rules, LocalEndpoints own, PinnedNames pins) {
        this.rules = requireNonNull(rules, "rules");
        this.own = requireNonNull(own, "own");
        this.pins = requireNonNull(pins, "pins");
        try {
            InetAddress.getAllByName("localhost"); // loads the JVM's resolver, i.e. the pinning provider
        } catch (UnknownHostException e) {
            LOG.debug("localhost does not resolve", e);
        }
        if (!pins.active()) {
            LOG.warn("the egress resolver provider is not installed: connect-time lookups are not pinned to the"
                    + " checked addresses (DNS rebinding is not prevented)");
        }
    }

    public EgressRules rules() {
        return rules;
    }

    /**
     * Refuses a connection of {@code tenantId} to {@code host:port}.
     *
     * @param what how the message names the destination, e.g. "integration 'desk'"
     * @throws GatewayException PERMISSION_DENIED {@code EGRESS_DENIED} when a rule forbids an address the
     *         host resolves to; UNAVAILABLE {@code UPSTREAM_UNAVAILABLE} when the host does not resolve
     */
    public void check(String tenantId, String host, int port, String what) {
        deniedReason(tenantId, host, port).ifPresent(reason -> {
            throw GatewayException.permissionDenied("EGRESS_DENIED", what + " may not be reached: " + reason);
        });
    }

    /** {@link #check(String, String, int, String)} for an http(s) URL (port 80/443 when it names none). */
    public void check(String tenantId, URI url, String what) {
        check(tenantId, url.getHost(), port(url), what);
    }

    /** The port a URL connects to. */
    public static int port(URI url) {
        if (url.getPort() > 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /**
     * The reason a connection is refused, or empty when it is allowed.
     *
     * @throws GatewayException UNAVAILABLE when the host does not resolve (an unresolvable name is never
     *         passed on: it could resolve to anything by the time the client looks it up)
     */
    public Optional<String> deniedReason(String tenantId, String host, int port) {
        return decide(tenantId, host, port).reason();
    }

    /**
     * {@link #check(String, URI, String)} that returns the addresses it checked, so a client can connect
     * to one of them without a lookup of its own (the connect address is the checked address).
     */
    public List<InetAddress> checkedAddresses(String tenantId, URI url, String what) {
        Decision d = decide(tenantId, url.getHost(), port(url));
        d.reason().ifPresent(reason -> {
            throw GatewayException.permissionDenied("EGRESS_DENIED", what + " may not be reached: " + reason);
        });
        return d.addresses();
    }

    private record Decision(Optional<String> reason, List<InetAddress> addresses) {
    }

    private Decision decide(String tenantId, String host, int port) {
        requireNonNull(tenantId, "tenantId");
        if (host == null || host.isEmpty()) {
            return new Decision(Optional.of("the URL names no host"), List.of());
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        List<InetAddress> addresses;
        try {
            // a literal address resolves to itself: nothing to look up or pin
            addresses = isLiteral(h) ? List.of(InetAddress.getByName(h)) : pins.resolve(h);
        } catch (UnknownHostException e) {
            throw GatewayException.unavailable("UPSTREAM_UNAVAILABLE", "host '" + h + "' does not resolve",
                    Map.of("host", h.toLowerCase(Locale.ROOT)));
        }
        for (InetAddress a : addresses) {
            Optional<String> reason = rules.deniedReason(tenantId, h, a, port, own.contains(h, a, port));
            if (reason.isPresent()) {
                return new Decision(reason, addresses);
            }
        }
        return new Decision(Optional.empty(), addresses);
    }

    private static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
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
