package dev.toolgate.gateway.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Netty event loops (NIO), one per core: the gRPC server's connections and the
 * connections to HTTP upstreams are served by the same threads, so the process has one set of
 * selector threads instead of one per client library. Closed after the servers and clients that
 * use it (it is created before them). Thread-safe.
 */
@Singleton
public final class EventLoops {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("toolgate-loop", true), NioIoHandler.newFactory());

    public EventLoopGroup group() {
        return group;
    }

    @PreDestroy
    void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
