package dev.toolgate.gateway.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The JVM-wide name resolver (installed through {@code META-INF/services}): answers a name the egress
 * check pinned with exactly the addresses that were checked ({@link PinnedNames}), and every other
 * name with the JDK's built-in resolver.
 */
public final class EgressResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        PinnedNames pins = PinnedNames.get();
        pins.install(builtin);
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                Stream<InetAddress> pinned = pins.lookup(host, policy);
                return pinned != null ? pinned : builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "toolgate-egress-pinning";
    }
}
