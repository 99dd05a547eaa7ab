package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleChannelsTest {
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void theMostRecentlyReleasedOpenConnection_isTakenFirst() {
        IdleChannels pool = new IdleChannels(4, MINUTE);
        Channel a = new EmbeddedChannel();
        Channel b = new EmbeddedChannel();
        pool.release(a, 0);
        pool.release(b, 1);

        assertThat(pool.take(2)).isSameAs(b);
        assertThat(pool.take(2)).isSameAs(a);
        assertThat(pool.take(2)).isNull();
    }

    @Test
    void aFullPool_closesWhatIsReleasedToIt_andTakesMoreOnceOneIsTaken() {
        IdleChannels pool = new IdleChannels(3, MINUTE);
        List<Channel> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Channel c = new EmbeddedChannel();
            kept.add(c);
            pool.release(c, i);
        }
        Channel extra = new EmbeddedChannel();
        pool.release(extra, 3);

        assertThat(extra.isOpen()).as("over the cap").isFalse();
        assertThat(pool.size()).isEqualTo(3);
        assertThat(kept).allMatch(Channel::isOpen);

        pool.take(4);
        Channel again = new EmbeddedChannel();
        pool.release(again, 5);
        assertThat(again.isOpen()).isTrue();
        assertThat(pool.size()).isEqualTo(3);
    }

    @Test
    void closedAndExpiredConnections_arePassedOverAndClosed_andNoLongerCounted() {
        IdleChannels pool = new IdleChannels(2, 100);
        Channel old = new EmbeddedChannel();
        Channel closed = new EmbeddedChannel();
        pool.release(old, 0);
        pool.release(closed, 50);
        closed.close();

        assertThat(pool.take(150)).as("one closed, one idle for 150 ns").isNull();
        assertThat(old.isOpen()).isFalse();
        assertThat(pool.size()).isZero();

        assertThat(twoMoreAreKept(pool, 200)).as("the count fell back to zero").isTrue();
    }

    @Test
    void aConnectionThatClosedWhileIdle_isForgotten_andFreesItsPlace() {
        IdleChannels pool = new IdleChannels(1, MINUTE);
        Channel c = new EmbeddedChannel();
        pool.release(c, 0);
        pool.remove(c);
        pool.remove(c); // a second notice changes nothing

        Channel next = new EmbeddedChannel();
        pool.release(next, 1);
        assertThat(next.isOpen()).isTrue();
        assertThat(pool.take(2)).isSameAs(next);
    }

    @Test
    void aConnectionListedTwice_isCountedOffTwice_whenItCloses() {
        IdleChannels pool = new IdleChannels(2, MINUTE);
        Channel twice = new EmbeddedChannel();
        pool.release(twice, 0);
        pool.release(twice, 1);
        pool.remove(twice);

        assertThat(twoMoreAreKept(pool, 2)).as("both places free again").isTrue();
    }

    @Test
    void aClosedConnection_isNotKept_andCloseAllClosesTheRest() {
        IdleChannels pool = new IdleChannels(4, MINUTE);
        Channel closed = new EmbeddedChannel();
        closed.close();
        pool.release(closed, 0);
        assertThat(pool.size()).isZero();

        Channel open = new EmbeddedChannel();
        pool.release(open, 0);
        pool.closeAll();
        assertThat(open.isOpen()).isFalse();
        assertThat(pool.take(1)).isNull();
    }

    @Test
    void limitsBelowOne_areRefused() {
        assertThatThrownBy(() -> new IdleChannels(0, MINUTE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max and maxIdleNanos must be >= 1");
        assertThatThrownBy(() -> new IdleChannels(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Releases two fresh connections to {@code pool}: whether it kept both open (it had two free places). */
    private static boolean twoMoreAreKept(IdleChannels pool, long nowNanos) {
        Channel first = new EmbeddedChannel();
        Channel second = new EmbeddedChannel();
        pool.release(first, nowNanos);
        pool.release(second, nowNanos);
        return first.isOpen() && second.isOpen();
    }
}
