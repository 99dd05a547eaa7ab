package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class EgressGuardTest {
    private static boolean internal(String ip) throws Exception {
        return EgressGuard.isInternal(InetAddress.getByName(ip));
    }

    @Test
    void isInternal_privateLoopbackLinkLocalAndMetadata_areInternal() throws Exception {
        for (String ip : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "240.0.0.1", "255.255.255.255",
                "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "::10.0.0.1"}) {
            assertThat(internal(ip)).as(ip).isTrue();
        }
    }

    @Test
    void isInternal_publicAddresses_areNot() throws Exception {
        for (String ip : new String[] {"8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::"}) {
            assertThat(internal(ip)).as(ip).isFalse();
        }
    }

    @Test
    void deniedReason_loopbackHost_namesTheSetting() {
        assertThat(new EgressGuard(false).deniedReason("127.0.0.1")).get().asString()
                .contains("toolgate.egress.allow-private-networks");
        assertThat(new EgressGuard(true).deniedReason("127.0.0.1")).isEmpty();
    }

    @Test
    void checkBaseUrl_rejectsNonHttpAndCredentials() {
        assertThat(EgressGuard.checkBaseUrl("base_url", "https://api.example.com/v1")).isEmpty();
        assertThat(EgressGuard.checkBaseUrl("base_url", "file:///etc/passwd")).isPresent();
        assertThat(EgressGuard.checkBaseUrl("base_url", "https://a:b@example.com")).isPresent();
        assertThat(EgressGuard.checkBaseUrl("base_url", "https://example.com/?x=1")).isPresent();
        assertThat(EgressGuard.checkBaseUrl("base_url", "")).isPresent();
    }
}
