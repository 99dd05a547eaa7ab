package dev.toolgate.gateway.execution.http;

import io.netty.channel.Channel;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle keep-alive connections to one destination, most recently used first, at most
 * {@code max} of them. Its size is counted apart from the deque: a {@link ConcurrentLinkedDeque}
 * walks all its nodes to count them, and the pool was asked on every answer. The count may for a
 * moment exceed the deque's length (a connection taken, not yet counted off), never fall short of
 * it, so the pool never holds more than {@code max}. Thread-safe.
 */
final class IdleChannels {
    private record Idle(Channel channel, long since) {
    }

    private final ConcurrentLinkedDeque<Idle> deque = new ConcurrentLinkedDeque<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int max;
    private final long maxIdleNanos;

    IdleChannels(int max, long maxIdleNanos) {
        if (max < 1 || maxIdleNanos < 1) {
            throw new IllegalArgumentException("max and maxIdleNanos must be >= 1, but were " + max + " and "
                    + maxIdleNanos);
        }
        this.max = max;
        this.maxIdleNanos = maxIdleNanos;
    }

    /**
     * The most recently released connection that is still open and was idle under the limit at
     * {@code nowNanos}; the ones passed over on the way are closed. Null when there is none.
     */
    Channel take(long nowNanos) {
        for (Idle i; (i = deque.pollFirst()) != null; ) {
            count.decrementAndGet();
            if (i.channel().isActive() && nowNanos - i.since() < maxIdleNanos) {
                return i.channel();
            }
            i.channel().close();
        }
        return null;
    }

    /** Keeps an open connection for the next exchange; closes it when it is not open or the pool is full. */
    void release(Channel channel, long nowNanos) {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            channel.close();
            return;
        }
        deque.addFirst(new Idle(channel, nowNanos));
    }

    /** Forgets a connection that closed while idle (every entry of it, each counted off). */
    void remove(Channel channel) {
        for (Idle i : deque) {
            if (i.channel() == channel && deque.removeFirstOccurrence(i)) {
                count.decrementAndGet();
            }
        }
    }

    /** Closes and forgets every idle connection. */
    void closeAll() {
        for (Idle i; (i = deque.pollFirst()) != null; ) {
            count.decrementAndGet();
            i.channel().close();
        }
    }

    /** How many connections are kept (for tests). */
    int size() {
        return deque.size();
    }
}
