package dev.toolgate.gateway.egress;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * What kind of destination an address is, from the gateway's point of view. The order matters:
 * a kind further up needs a more explicit allow entry (see {@link EgressRules}).
 */
enum AddressClass {
    /** Loopback, the unspecified address (connecting to 0.0.0.0 reaches this host) and IPv4-mapped forms. */
    LOOPBACK,
    /** Link-local, which holds the cloud metadata services (169.254.169.254, fd00:ec2::254, 100.100.100.200). */
    LINK_LOCAL,
    /** Private, CGNAT, unique-local, multicast, reserved and benchmarking ranges. */
    PRIVATE,
    /** Everything else. */
    PUBLIC;

    static AddressClass of(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            byte[] embedded = embeddedV4(b);
            if (embedded != null) {
                return ofV4(embedded);
            }
            if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
                return LOOPBACK;
            }
            if (a.isLinkLocalAddress() || isAwsMetadataV6(b)) {
                return LINK_LOCAL;
            }
            if ((b[0] & 0xfe) == 0xfc || a.isMulticastAddress() || a.isSiteLocalAddress()) {
                return PRIVATE; // unique local fc00::/7, multicast, deprecated site-local fec0::/10
            }
            return PUBLIC;
        }
        return ofV4(b);
    }

    private static AddressClass ofV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 127 || first == 0) {
            return LOOPBACK; // 0.0.0.0/8 "this network": connecting to 0.0.0.0 reaches the local host
        }
        if (first == 169 && second == 254 || first == 100 && second == 100 && (b[2] & 0xff) == 100
                && (b[3] & 0xff) == 200) {
            return LINK_LOCAL; // incl. 169.254.169.254 and Alibaba's 100.100.100.200
        }
        if (first == 10 || first >= 224 // private, multicast, 240/4, broadcast
                || first == 172 && second >= 16 && second < 32
                || first == 192 && second == 168
                || first == 100 && second >= 64 && second < 128 // CGNAT 100.64/10
                || first == 198 && (second == 18 || second == 19)) { // benchmarking 198.18/15
            return PRIVATE;
        }
        return PUBLIC;
    }

    private static boolean isAwsMetadataV6(byte[] b) { // fd00:ec2::254
        byte[] m = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, m);
    }

    /** The IPv4 address inside IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96), 6to4 (2002::/16) or IPv4-compatible (::/96) addresses. */
    static byte[] embeddedV4(byte[] b) {
        if (b.length != 16) {
            return null;
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return new byte[] {b[2], b[3], b[4], b[5]};
        }
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        boolean mapped = zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0);
        boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        return mapped || compatible || nat64 ? new byte[] {b[12], b[13], b[14], b[15]} : null;
    }

    static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
