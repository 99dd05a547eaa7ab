package dev.toolgate.gateway.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Netty event loops, one per core: the gRPC server's connections and the connections
 * to HTTP upstreams are served by the same threads, so the process has one set of I/O threads
 * instead of one per client library. On Linux they use Netty's native epoll transport (fewer
 * system calls and no selector bookkeeping per wake-up); elsewhere, or with
 * {@code -Dio.netty.transport.noNative=true}, Java's NIO. Closed after the servers and clients that
 * use it (it is created before them). Thread-safe.
 */
@Singleton
public final class EventLoops {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("toolgate-loop", true), handlers(epoll));

    public EventLoops() {
        LOG.debug("event loops on {}", epoll ? "epoll" : "NIO (epoll: " + Epoll.unavailabilityCause() + ")");
    }

    private static IoHandlerFactory handlers(boolean epoll) {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public EventLoopGroup group() {
        return group;
    }

    /** The listening socket type that runs on {@link #group}. */
    public Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The connecting socket type that runs on {@link #group}. */
    public Class<? extends SocketChannel> socketChannelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The transport in use: {@code epoll} or {@code nio}. */
    public String transport() {
        return epoll ? "epoll" : "nio";
    }

    @PreDestroy
    void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
