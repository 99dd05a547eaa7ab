package dev.toolgate.gateway.egress;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The servers a JDBC URL names: {@code jdbc:postgresql://h1:5432,[::1]:5433/db?…}. */
public final class JdbcHosts {
    private static final Pattern URL = Pattern.compile("jdbc:[a-z0-9]+://([^/?]*)(?:[/?].*)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[^\\]]+\\]|[^:]*)(?::(\\d{1,5}))?");

    private JdbcHosts() {
    }

    /** Unresolved host/port pairs; empty for URLs without a network server (H2 files, in-memory). */
    public static List<InetSocketAddress> of(String jdbcUrl, int defaultPort) {
        if (jdbcUrl == null || !jdbcUrl.regionMatches(true, 0, "jdbc:postgresql:", 0, 16)) {
            return List.of(); // H2 files and memory have no server; H2 tcp servers are not supported as store
        }
        if (!jdbcUrl.regionMatches(16, "//", 0, 2)) { // jdbc:postgresql:dbname means the local server
            return List.of(InetSocketAddress.createUnresolved("localhost", defaultPort));
        }
        Matcher m = URL.matcher(jdbcUrl);
        if (!m.matches()) {
            return List.of();
        }
        List<InetSocketAddress> out = new ArrayList<>();
        String hosts = m.group(1);
        if (hosts.isEmpty()) {
            out.add(InetSocketAddress.createUnresolved("localhost", defaultPort));
            return out;
        }
        for (String hostPort : hosts.split(",")) {
            Matcher hp = HOST_PORT.matcher(hostPort);
            if (hp.matches()) {
                String h = hp.group(1);
                h = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
                int port = hp.group(2) == null ? defaultPort : Integer.parseInt(hp.group(2));
                out.add(InetSocketAddress.createUnresolved(h.isEmpty() ? "localhost" : h, port));
            }
        }
        return out;
    }
}
