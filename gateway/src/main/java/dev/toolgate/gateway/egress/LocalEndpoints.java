package dev.toolgate.gateway.egress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own endpoints — its database servers and the ports it listens on — which no tool may
 * reach unless an egress entry names them exactly. A listener on the wildcard address counts on
 * every local interface address. Thread-safe.
 */
public final class LocalEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEndpoints.class);

    /** An address and a port, or a host name (lower case) and a port. */
    private final Set<String> endpoints = ConcurrentHashMap.newKeySet();

    /** Adds a listener: {@code host} empty or a wildcard means every local address. */
    public void addListener(String host, int port) {
        if (port <= 0) {
            return;
        }
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            for (InetAddress a : interfaceAddresses()) {
                endpoints.add(key(a, port));
            }
            return;
        }
        add(host, port);
    }

    /** Adds a server the gateway connects to itself (its database): the name and what it resolves to now. */
    public void add(String host, int port) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        endpoints.add(h.toLowerCase(Locale.ROOT) + "|" + port);
        try {
            for (InetAddress a : InetAddress.getAllByName(h)) {
                endpoints.add(key(a, port));
                if (a.isLoopbackAddress() || a.isAnyLocalAddress()) { // 127.0.0.1 and localhost reach the same socket
                    for (InetAddress l : interfaceAddresses()) {
                        if (l.isLoopbackAddress()) {
                            endpoints.add(key(l, port));
                        }
                    }
                }
            }
        } catch (UnknownHostException e) {
            LOG.debug("own endpoint {} does not resolve now; guarded by name only", h);
        }
    }

    /** Adds the host and port of a JDBC URL such as {@code jdbc:postgresql://db1:5432,db2/app}. */
    public void addJdbcUrl(String jdbcUrl, int defaultPort) {
        for (InetSocketAddress server : JdbcHosts.of(jdbcUrl, defaultPort)) {
            add(server.getHostString(), server.getPort());
        }
    }

    boolean contains(String host, InetAddress address, int port) {
        return endpoints.contains(key(address, port)) || endpoints.contains(host.toLowerCase(Locale.ROOT) + "|" + port);
    }

    private static String key(InetAddress a, int port) {
        InetAddress plain = a;
        if (a instanceof java.net.Inet6Address v6) {
            try {
                plain = InetAddress.getByAddress(v6.getAddress()); // without a scope id
            } catch (UnknownHostException e) {
                plain = a;
            }
        }
        return plain.getHostAddress() + "|" + port;
    }

    private static List<InetAddress> interfaceAddresses() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses)
                    .toList();
        } catch (SocketException e) {
            LOG.warn("could not list the network interfaces; only loopback counts as this host", e);
            return List.of(InetAddress.getLoopbackAddress());
        }
    }

    @Override
    public String toString() {
        return "LocalEndpoints" + endpoints;
    }
}
