package dev.toolgate.gateway.egress;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where upstream connections may go: the deployment's allow entries, whether public addresses are
 * allowed without one, and optional per-tenant lists that narrow (never widen) the deployment's rule.
 * A destination is allowed when:
 * <ul>
 *   <li>it is one of the gateway's own endpoints (its database, its listening ports): only with an
 *       entry that names that one address or host <em>and</em> that one port;</li>
 *   <li>it is loopback or link-local (cloud metadata): only with an entry confined to that range
 *       ({@code 127.0.0.1:8081}, {@code 127.0.0.0/8}, a host name) — {@code 0.0.0.0/0} does not count;</li>
 *   <li>it is another private address: with any entry that covers it;</li>
 *   <li>it is public: when {@code allowPublic} or an entry covers it;</li>
 * </ul>
 * and, when the tenant has a list of its own, one of the tenant's entries covers it too.
 * Immutable; built with {@link #builder()}, which fails fast on a bad entry.
 */
public final class EgressRules {
    private final boolean allowPublic;
    private final List<EgressRule> allow;
    private final Map<String, List<EgressRule>> tenants;

    private EgressRules(Builder b) {
        this.allowPublic = b.allowPublic;
        this.allow = List.copyOf(b.allow);
        this.tenants = Map.copyOf(b.tenants);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Public addresses only; nothing internal. */
    public static EgressRules ofDefaults() {
        return builder().build();
    }

    public boolean allowPublic() {
        return allowPublic;
    }

    public List<EgressRule> allow() {
        return allow;
    }

    /**
     * Why a connection of {@code tenantId} to {@code address:port}, reached through host name
     * {@code host}, is refused; empty when it is allowed.
     *
     * @param own whether the address and port are one of the gateway's own endpoints
     */
    Optional<String> deniedReason(String tenantId, String host, InetAddress address, int port, boolean own) {
        String where = address.getHostAddress() + ":" + port;
        String named = host.equalsIgnoreCase(address.getHostAddress()) ? where : "'" + host + "' (" + where + ")";
        AddressClass kind = AddressClass.of(address);
        if (own) {
            if (allow.stream().noneMatch(r -> r.namesOneEndpoint() && r.matches(host, address, port))) {
                return Optional.of(named + " is one of the gateway's own endpoints (its database or a port it listens"
                        + " on); only an egress allow entry naming exactly that address and port opens it");
            }
        } else if (kind == AddressClass.LOOPBACK || kind == AddressClass.LINK_LOCAL) {
            if (allow.stream().noneMatch(r -> r.confinedTo(kind) && r.matches(host, address, port))) {
                return Optional.of(named + " is a " + (kind == AddressClass.LOOPBACK ? "loopback" : "link-local"
                        + " (cloud metadata)") + " address; add it to toolgate.egress.allow explicitly (e.g. "
                        + entryFor(address, port) + ") to allow it");
            }
        } else if (kind == AddressClass.PRIVATE || !allowPublic) {
            if (allow.stream().noneMatch(r -> r.matches(host, address, port))) {
                return Optional.of(named + " is " + (kind == AddressClass.PRIVATE ? "an internal address" : "a public "
                        + "address and public egress is off") + "; add it to toolgate.egress.allow (e.g. "
                        + entryFor(address, port) + ") to allow it");
            }
        }
        List<EgressRule> narrowed = tenants.get(tenantId);
        if (narrowed != null && narrowed.stream().noneMatch(r -> r.matches(host, address, port))) {
            return Optional.of(named + " is not in the egress list of tenant '" + tenantId
                    + "' (toolgate.egress.tenants." + tenantId + ")");
        }
        return Optional.empty();
    }

    private static String entryFor(InetAddress address, int port) {
        return AddressClass.isV4(address) ? address.getHostAddress() + ":" + port
                : "[" + address.getHostAddress() + "]:" + port;
    }

    @Override
    public String toString() {
        return "EgressRules{allowPublic=" + allowPublic + ", allow=" + allow + ", tenants=" + tenants + "}";
    }

    /** Builds {@link EgressRules}; each setter rejects a bad value at once, naming it. */
    public static final class Builder {
        private boolean allowPublic = true;
        private final List<EgressRule> allow = new ArrayList<>();
        private final Map<String, List<EgressRule>> tenants = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder allowPublic(boolean allowPublic) {
            this.allowPublic = allowPublic;
            return this;
        }

        /** Adds entries; each may itself be a comma- or space-separated list (the form environment variables take). */
        public Builder allow(List<String> entries) {
            requireNonNull(entries, "entries");
            allow.addAll(parse(entries));
            return this;
        }

        /** The tenant's own list: its destinations must also match one of these. */
        public Builder tenant(String tenantId, List<String> entries) {
            requireNonNull(tenantId, "tenantId");
            requireNonNull(entries, "entries");
            if (tenantId.isBlank()) {
                throw new IllegalArgumentException("a tenant egress list needs a tenant id, but it was blank");
            }
            tenants.put(tenantId, parse(entries));
            return this;
        }

        private static List<EgressRule> parse(List<String> entries) {
            List<EgressRule> out = new ArrayList<>();
            for (String e : entries) {
                for (String part : e.split("[,\\s]+")) {
                    if (!part.isEmpty()) {
                        out.add(EgressRule.parse(part));
                    }
                }
            }
            return out;
        }

        public EgressRules build() {
            return new EgressRules(this);
        }
    }
}
