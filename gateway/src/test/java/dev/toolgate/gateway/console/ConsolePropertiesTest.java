package dev.toolgate.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsolePropertiesTest {
    @Test
    void traceUrl_withoutPlaceholder_refusedNamingTheKey() {
        assertThatThrownBy(() -> new ConsoleProperties("https://traces.example/trace"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toolgate.console.trace-url")
                .hasMessageContaining("{trace_id}");
    }

    @Test
    void traceUrl_notHttp_refused() {
        assertThatThrownBy(() -> new ConsoleProperties("javascript:alert({trace_id})"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void traceLink_fillsTheTraceId_onlyForATraceId() {
        ConsoleProperties p = new ConsoleProperties("https://grafana.example/explore?traceId={trace_id}");
        assertThat(p.traceLink("0af7651916cd43dd8448eb211c80319c"))
                .isEqualTo("https://grafana.example/explore?traceId=0af7651916cd43dd8448eb211c80319c");
        assertThat(p.traceLink("\"><script>")).isEmpty();
        assertThat(p.traceLink("")).isEmpty();
        assertThat(new ConsoleProperties(null).traceLink("0af7651916cd43dd8448eb211c80319c")).isEmpty();
    }
}
