package dev.toolgate.gateway.egress;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One allow entry: a network (CIDR or single address) or a host name ({@code *.} for its
 * subdomains), optionally with a port or port range. Written as {@code 10.0.0.0/8},
 * {@code 127.0.0.1:8081}, {@code [::1]:8080}, {@code fd00::/8}, {@code db.internal:5432},
 * {@code *.corp.example:443}, {@code 10.1.2.3:8000-8099}. Immutable.
 */
public final class EgressRule {
    private static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*\\.?");
    private static final Pattern IPV4ISH = Pattern.compile("[0-9.]+");

    private final String text;
    private final String hostName; // lower case; null for a network entry
    private final byte[] network; // null for a host name entry
    private final int prefix;
    private final int fromPort;
    private final int toPort;

    private final boolean loopbackOnly;
    private final boolean linkLocalOnly;

    private EgressRule(String text, String hostName, byte[] network, int prefix, int fromPort, int toPort) {
        this.text = text;
        this.hostName = hostName;
        this.network = network;
        this.prefix = prefix;
        this.fromPort = fromPort;
        this.toPort = toPort;
        this.loopbackOnly = hostName != null || within(network, prefix, AddressClass.LOOPBACK);
        this.linkLocalOnly = hostName != null || within(network, prefix, AddressClass.LINK_LOCAL);
    }

    /**
     * Parses one entry.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static EgressRule parse(String entry) {
        String text = entry.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an egress allow entry is empty");
        }
        String host = text;
        String ports = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(text, "'[' without ']'");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(text, "expected ':PORT' after ']'");
                }
                ports = rest.substring(1);
            }
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
            host = text.substring(0, text.indexOf(':')); // one colon: HOST:PORT (IPv6 takes brackets with a port)
            ports = text.substring(text.indexOf(':') + 1);
        }
        int from = 1;
        int to = 65535;
        if (ports != null) {
            int dash = ports.indexOf('-');
            from = port(text, dash < 0 ? ports : ports.substring(0, dash));
            to = dash < 0 ? from : port(text, ports.substring(dash + 1));
            if (to < from) {
                throw invalid(text, "the port range ends before it starts");
            }
        }
        int slash = host.indexOf('/');
        String address = slash < 0 ? host : host.substring(0, slash);
        if (address.contains(":") || IPV4ISH.matcher(address).matches()) {
            byte[] bytes = literal(text, address);
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(host.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw invalid(text, "the prefix length is not a number");
                }
                if (prefix < 0 || prefix > bits) {
                    throw invalid(text, "the prefix length must be 0-" + bits);
                }
            }
            return new EgressRule(text, null, mask(bytes, prefix), prefix, from, to);
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (slash >= 0 || !HOST_NAME.matcher(name).matches()) {
            throw invalid(text, "expected a CIDR such as 10.0.0.0/8, an address, or a host name such as db.internal"
                    + " (optionally with :PORT or :FROM-TO; IPv6 with a port in brackets: [::1]:8080)");
        }
        return new EgressRule(text, name.endsWith(".") ? name.substring(0, name.length() - 1) : name, null, 0, from, to);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("egress allow entry '" + text + "' is invalid: " + why);
    }

    private static int port(String text, String p) {
        try {
            int port = Integer.parseInt(p);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(text, "port '" + p + "' is not 1-65535");
    }

    private static byte[] literal(String text, String address) {
        try {
            byte[] b = InetAddress.getByName(address).getAddress(); // a literal: no lookup
            return b;
        } catch (UnknownHostException | SecurityException e) {
            throw invalid(text, "'" + address + "' is not an IP address");
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** Whether this entry covers a connection to {@code address:port} made for host name {@code host}. */
    boolean matches(String host, InetAddress address, int port) {
        if (port < fromPort || port > toPort) {
            return false;
        }
        if (hostName != null) {
            String h = host.toLowerCase(Locale.ROOT);
            return hostName.startsWith("*.") ? h.endsWith(hostName.substring(1)) : h.equals(hostName);
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i * 8 < prefix; i++) { // compare the prefix bits without a masked copy
            int keep = Math.min(8, prefix - i * 8);
            int m = 0xff << (8 - keep) & 0xff;
            if ((a[i] & m) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** A host name, or a network of one address, with a port: names one endpoint. */
    boolean namesOneEndpoint() {
        return (hostName != null && !hostName.startsWith("*.") || prefix == network.length * 8) && fromPort == toPort;
    }

    /**
     * Whether the entry is confined to addresses of kind {@code kind} (loopback or link-local): a host
     * name counts, as do networks inside that range; {@code 0.0.0.0/0} or {@code 10.0.0.0/8} do not.
     */
    boolean confinedTo(AddressClass kind) {
        return kind == AddressClass.LOOPBACK ? loopbackOnly : kind == AddressClass.LINK_LOCAL && linkLocalOnly;
    }

    /** Whether the first and last address of the network are both of {@code kind} (decided once, at parse). */
    private static boolean within(byte[] network, int prefix, AddressClass kind) {
        try {
            byte[] last = network.clone();
            BigInteger hostBits = BigInteger.ONE.shiftLeft(network.length * 8 - prefix).subtract(BigInteger.ONE);
            byte[] add = hostBits.toByteArray();
            for (int i = 0; i < last.length && i < add.length; i++) {
                last[last.length - 1 - i] |= add[add.length - 1 - i];
            }
            return AddressClass.of(InetAddress.getByAddress(network)) == kind
                    && AddressClass.of(InetAddress.getByAddress(last)) == kind;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
