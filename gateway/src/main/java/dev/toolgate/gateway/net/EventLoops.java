package dev.toolgate.gateway.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Netty event loops, one per core: the gRPC server's connections and the connections
 * to HTTP upstreams are served by the same threads, so the process has one set of I/O threads
 * instead of one per client library. The transport is {@link NetTransport#choose chosen} by the
 * system property {@code toolgate.net.transport} or the variable {@code TOOLGATE_NET_TRANSPORT}
 * ({@code auto} by default: Netty's native epoll on Linux, fewer system calls and no selector
 * bookkeeping per wake-up; elsewhere, or with {@code -Dio.netty.transport.noNative=true}, Java's
 * NIO). Closed after the servers and clients that use it (it is created before them). Thread-safe.
 */
@Singleton
public final class EventLoops {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    private final NetTransport transport;
    private final EventLoopGroup group;

    public EventLoops() {
        this(NetTransport.choose(System.getProperty("toolgate.net.transport",
                System.getenv().getOrDefault("TOOLGATE_NET_TRANSPORT", "auto"))));
    }

    EventLoops(NetTransport transport) {
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("toolgate-loop", true), transport.handlers());
        LOG.debug("event loops on {}", transport.id());
    }

    public EventLoopGroup group() {
        return group;
    }

    /** The listening socket type that runs on {@link #group}. */
    public Class<? extends ServerChannel> serverChannelType() {
        return transport.serverChannel();
    }

    /** The connecting socket type that runs on {@link #group}. */
    public Class<? extends SocketChannel> socketChannelType() {
        return transport.socketChannel();
    }

    /** The transport in use: {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transport() {
        return transport.id();
    }

    @PreDestroy
    void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
