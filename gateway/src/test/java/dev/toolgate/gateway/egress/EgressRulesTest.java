package dev.toolgate.gateway.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EgressRulesTest {
    private static Optional<String> denied(EgressRules rules, String ip, int port, boolean own) throws Exception {
        return rules.deniedReason("acme", ip, InetAddress.getByName(ip), port, own);
    }

    private static EgressRules allow(String... entries) {
        return EgressRules.builder().allow(List.of(entries)).build();
    }

    @Test
    void addressClass_classifiesLoopbackMetadataPrivateAndPublic() throws Exception {
        for (String ip : new String[] {"127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1",
                "2002:7f00:1::", "64:ff9b::7f00:1"}) {
            assertThat(AddressClass.of(InetAddress.getByName(ip))).as(ip).isEqualTo(AddressClass.LOOPBACK);
        }
        for (String ip : new String[] {"169.254.169.254", "fe80::1", "fd00:ec2::254", "100.100.100.200",
                "64:ff9b::a9fe:a9fe"}) {
            assertThat(AddressClass.of(InetAddress.getByName(ip))).as(ip).isEqualTo(AddressClass.LINK_LOCAL);
        }
        for (String ip : new String[] {"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd00::1",
                "240.0.0.1", "255.255.255.255", "::10.0.0.1", "224.0.0.1"}) {
            assertThat(AddressClass.of(InetAddress.getByName(ip))).as(ip).isEqualTo(AddressClass.PRIVATE);
        }
        for (String ip : new String[] {"8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "64:ff9b::808:808"}) {
            assertThat(AddressClass.of(InetAddress.getByName(ip))).as(ip).isEqualTo(AddressClass.PUBLIC);
        }
    }

    @Test
    void defaults_allowPublic_refuseEveryInternalAddressNamingTheSetting() throws Exception {
        EgressRules rules = EgressRules.ofDefaults();
        assertThat(denied(rules, "8.8.8.8", 443, false)).isEmpty();
        assertThat(denied(rules, "10.0.0.5", 80, false)).get().asString()
                .contains("internal address").contains("toolgate.egress.allow").contains("10.0.0.5:80");
        assertThat(denied(rules, "127.0.0.1", 8081, false)).get().asString().contains("loopback");
        assertThat(denied(rules, "169.254.169.254", 80, false)).get().asString().contains("cloud metadata");
    }

    @Test
    void broadEntries_doNotOpenLoopbackOrMetadata() throws Exception {
        EgressRules rules = allow("0.0.0.0/0", "::/0");
        assertThat(denied(rules, "10.0.0.5", 80, false)).isEmpty();
        assertThat(denied(rules, "127.0.0.1", 80, false)).isPresent();
        assertThat(denied(rules, "169.254.169.254", 80, false)).isPresent();
        assertThat(denied(rules, "fd00:ec2::254", 80, false)).isPresent();
        assertThat(denied(rules, "::1", 80, false)).isPresent();
    }

    @Test
    void loopbackEntries_openLoopbackOnly_andPortsAreHonoured() throws Exception {
        EgressRules rules = allow("127.0.0.1:8081", "[::1]:9000-9001");
        assertThat(denied(rules, "127.0.0.1", 8081, false)).isEmpty();
        assertThat(denied(rules, "127.0.0.1", 8082, false)).isPresent();
        assertThat(denied(rules, "::1", 9001, false)).isEmpty();
        assertThat(denied(rules, "::1", 9002, false)).isPresent();
        assertThat(denied(rules, "10.0.0.1", 8081, false)).isPresent();
    }

    @Test
    void ownEndpoints_needAnEntryNamingAddressAndPort() throws Exception {
        assertThat(denied(allow("127.0.0.0/8"), "127.0.0.1", 5432, true)).get().asString()
                .contains("the gateway's own endpoints");
        assertThat(denied(allow("127.0.0.1"), "127.0.0.1", 5432, true)).isPresent();
        assertThat(denied(allow("127.0.0.1:5000-6000"), "127.0.0.1", 5432, true)).isPresent();
        assertThat(denied(allow("127.0.0.1:5432"), "127.0.0.1", 5432, true)).isEmpty();
        assertThat(denied(allow("10.0.0.0/8"), "10.0.0.7", 5432, true)).isPresent();
        assertThat(denied(allow("10.0.0.7/32:5432"), "10.0.0.7", 5432, true)).isEmpty();
    }

    @Test
    void hostNameEntries_matchTheNameAndItsSubdomains() throws Exception {
        EgressRules rules = allow("db.internal:5432", "*.corp.example");
        InetAddress a = InetAddress.getByName("10.9.9.9");
        assertThat(rules.deniedReason("acme", "DB.internal", a, 5432, false)).isEmpty();
        assertThat(rules.deniedReason("acme", "db.internal", a, 5433, false)).isPresent();
        assertThat(rules.deniedReason("acme", "api.corp.example", a, 443, false)).isEmpty();
        assertThat(rules.deniedReason("acme", "corp.example.evil", a, 443, false)).isPresent();
    }

    @Test
    void tenantList_narrowsButNeverWidens() throws Exception {
        EgressRules rules = EgressRules.builder().allow(List.of("10.0.0.0/8"))
                .tenant("acme", List.of("10.1.0.0/16", "api.example.com:443", "192.168.0.0/16")).build();
        assertThat(rules.deniedReason("acme", "10.1.2.3", InetAddress.getByName("10.1.2.3"), 80, false)).isEmpty();
        assertThat(rules.deniedReason("acme", "10.2.2.3", InetAddress.getByName("10.2.2.3"), 80, false)).get()
                .asString().contains("tenant 'acme'");
        assertThat(rules.deniedReason("acme", "192.168.1.1", InetAddress.getByName("192.168.1.1"), 80, false))
                .isPresent(); // in the tenant's list, not in the deployment's
        assertThat(rules.deniedReason("acme", "8.8.8.8", InetAddress.getByName("8.8.8.8"), 443, false)).isPresent();
        assertThat(rules.deniedReason("other", "10.2.2.3", InetAddress.getByName("10.2.2.3"), 80, false)).isEmpty();
    }

    @Test
    void publicOff_needsAnEntryForPublicAddresses() throws Exception {
        EgressRules rules = EgressRules.builder().allowPublic(false).allow(List.of("8.8.8.0/24:443")).build();
        assertThat(denied(rules, "8.8.8.8", 443, false)).isEmpty();
        assertThat(denied(rules, "1.1.1.1", 443, false)).get().asString().contains("public egress is off");
    }

    @Test
    void builder_listsInOneString_areSplitOnCommasAndSpaces() {
        assertThat(EgressRules.builder().allow(List.of("10.0.0.0/8, 127.0.0.1:8081 ::1")).build().allow())
                .extracting(EgressRule::toString).containsExactly("10.0.0.0/8", "127.0.0.1:8081", "::1");
    }

    @Test
    void parse_badEntries_failNamingTheEntry() {
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.1:0", "10.0.0.1:70000", "10.0.0.1:9-8", "[::1",
                "bad_host!", "::1/129", "host/8", "10.0.0.1:abc"}) {
            assertThatThrownBy(() -> EgressRule.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void jdbcHosts_listsEveryServerWithItsPort() {
        assertThat(JdbcHosts.of("jdbc:postgresql://db1:5433,[::1],db3/app?ssl=true", 5432))
                .extracting(a -> a.getHostString() + ":" + a.getPort())
                .containsExactly("db1:5433", "::1:5432", "db3:5432");
        assertThat(JdbcHosts.of("jdbc:h2:file:./data/toolgate", 5432)).isEmpty();
        assertThat(JdbcHosts.of("jdbc:postgresql:app", 5432)).extracting(a -> a.getHostString())
                .containsExactly("localhost");
    }
}
