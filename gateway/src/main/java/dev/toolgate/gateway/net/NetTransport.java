package dev.toolgate.gateway.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Netty transports the shared event loops can run on, and the choice among them: a name
 * ({@code io_uring}, {@code epoll}, {@code nio}) takes that one or fails when it cannot load here;
 * {@code auto} takes the first that loads, in the order {@link #AUTO_ORDER} gives.
 */
enum NetTransport {
    IO_URING("io_uring", IoUring::isAvailable, IoUring::unavailabilityCause, IoUringIoHandler::newFactory,
            IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    EPOLL("epoll", Epoll::isAvailable, Epoll::unavailabilityCause, EpollIoHandler::newFactory,
            EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO("nio", () -> true, () -> null, NioIoHandler::newFactory, NioServerSocketChannel.class,
            NioSocketChannel.class);

    /** What {@code auto} tries, first to last. */
    static final java.util.List<NetTransport> AUTO_ORDER = java.util.List.of(EPOLL, NIO);

    private final String id;
    private final Supplier<Boolean> available;
    private final Supplier<Throwable> whyNot;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;

    NetTransport(String id, Supplier<Boolean> available, Supplier<Throwable> whyNot,
            Supplier<IoHandlerFactory> handlers, Class<? extends ServerChannel> serverChannel,
            Class<? extends SocketChannel> socketChannel) {
        this.id = id;
        this.available = available;
        this.whyNot = whyNot;
        this.handlers = handlers;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    /**
     * The transport {@code name} asks for.
     *
     * @throws IllegalArgumentException for an unknown name, or a named transport that cannot load here
     */
    static NetTransport choose(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.equals("auto")) {
            return AUTO_ORDER.stream().filter(NetTransport::isAvailable).findFirst().orElse(NIO);
        }
        NetTransport t = Arrays.stream(values()).filter(v -> v.id.equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown network transport '" + name
                        + "': use auto, io_uring, epoll or nio"));
        if (!t.isAvailable()) {
            Throwable cause = t.whyNot.get();
            throw new IllegalArgumentException("network transport " + t.id + " cannot be used here: "
                    + (cause == null ? "not available" : cause.getMessage()) + "; use auto", cause);
        }
        return t;
    }

    boolean isAvailable() {
        try {
            return available.get();
        } catch (LinkageError e) { // its classes or native library are missing on this platform
            return false;
        }
    }

    String id() {
        return id;
    }

    IoHandlerFactory handlers() {
        return handlers.get();
    }

    Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }
}
