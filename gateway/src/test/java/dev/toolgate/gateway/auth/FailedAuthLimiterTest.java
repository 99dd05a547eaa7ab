package dev.toolgate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolgate.gateway.error.ErrorCode;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.support.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailedAuthLimiterTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void checkAllowed_afterTheLimit_refusesThatPeerOnly() throws Exception {
        FailedAuthLimiter limiter = new FailedAuthLimiter(3, 100, new MutableClock());
        for (int i = 0; i < 3; i++) {
            limiter.checkAllowed(ip("10.0.0.1"));
            limiter.recordFailure(ip("10.0.0.1"));
        }
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> limiter.checkAllowed(ip("10.0.0.1")));
        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(e.reason()).isEqualTo("AUTH_RATE_LIMITED");
        assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d.toSeconds()).isBetween(1L, 60L));
        limiter.checkAllowed(ip("10.0.0.2"));
    }

    @Test
    void checkAllowed_whenTheClockMovesOn_refillsAndThenForgetsThePeer() throws Exception {
        MutableClock clock = new MutableClock();
        FailedAuthLimiter limiter = new FailedAuthLimiter(2, 100, clock);
        limiter.recordFailure(ip("10.0.0.1"));
        limiter.recordFailure(ip("10.0.0.1"));
        assertThatThrownBy(() -> limiter.checkAllowed(ip("10.0.0.1"))).isInstanceOf(GatewayException.class);

        clock.advance(Duration.ofSeconds(30)); // half a minute refills one of two attempts
        limiter.checkAllowed(ip("10.0.0.1"));
        limiter.recordFailure(ip("10.0.0.1"));
        assertThatThrownBy(() -> limiter.checkAllowed(ip("10.0.0.1"))).isInstanceOf(GatewayException.class);

        clock.advance(Duration.ofMinutes(2)); // idle past the window: full again
        limiter.recordFailure(ip("10.0.0.1"));
        limiter.checkAllowed(ip("10.0.0.1"));
    }

    @Test
    void ipv6Peers_countPerSlash64() throws Exception {
        FailedAuthLimiter limiter = new FailedAuthLimiter(2, 100, new MutableClock());
        limiter.recordFailure(ip("2001:db8:1:2::1"));
        limiter.recordFailure(ip("2001:db8:1:2::ffff"));
        assertThatThrownBy(() -> limiter.checkAllowed(ip("2001:db8:1:2::77"))).isInstanceOf(GatewayException.class);
        limiter.checkAllowed(ip("2001:db8:1:3::1"));
    }

    @Test
    void zeroLimit_orUnknownPeer_isNotLimited() throws Exception {
        FailedAuthLimiter off = new FailedAuthLimiter(0, 100, new MutableClock());
        FailedAuthLimiter on = new FailedAuthLimiter(1, 100, new MutableClock());
        for (int i = 0; i < 5; i++) {
            off.recordFailure(ip("10.0.0.1"));
            on.recordFailure(null);
        }
        off.checkAllowed(ip("10.0.0.1"));
        on.checkAllowed(null);
    }

    @Test
    void constructor_rejectsBadSettings_namingTheValue() {
        assertThatThrownBy(() -> new FailedAuthLimiter(-1, 100, new MutableClock())).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> new FailedAuthLimiter(60, 0, new MutableClock())).hasMessageContaining("tracked-peers must be positive");
    }
}
