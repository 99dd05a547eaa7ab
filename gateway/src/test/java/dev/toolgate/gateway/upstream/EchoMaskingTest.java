package dev.toolgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.secrets.EchoMask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decorator MCP calls go through: the server's answer and failures come back masked. */
class EchoMaskingTest {
    private static final EchoMask MASK = EchoMask.of(List.of("mcp-header-secret-1"));

    @Test
    void wrap_masksTheAnswerAndKeepsItsStatusAndFlags() {
        PreparedCall call = timeout -> new UpstreamResponse(200, "{\"content\":[{\"type\":\"text\",\"text\":"
                + "\"you sent X-Api-Key: mcp-header-secret-1\"}]}", true, java.util.Optional.empty(), true);

        UpstreamResponse r = EchoMasking.wrap(call, MASK).send(Duration.ofSeconds(1));

        assertThat(r.resultJson()).isEqualTo("{\"content\":[{\"type\":\"text\",\"text\":\"you sent X-Api-Key:"
                + " [REDACTED]\"}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.truncated()).isTrue();
        assertThat(r.isError()).isTrue();
    }

    @Test
    void wrap_masksAFailureMessage() {
        PreparedCall call = timeout -> {
            throw new UpstreamFailure(UpstreamFailure.Kind.UNAVAILABLE, "server said: bad key mcp-header-secret-1");
        };

        UpstreamFailure f = catchThrowableOfType(UpstreamFailure.class,
                () -> EchoMasking.wrap(call, MASK).send(Duration.ofSeconds(1)));

        assertThat(f.getMessage()).isEqualTo("server said: bad key [REDACTED]");
        assertThat(f.kind()).isEqualTo(UpstreamFailure.Kind.UNAVAILABLE);
    }
}
