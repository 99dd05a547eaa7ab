package dev.toolgate.gateway.grpc;

import dev.toolgate.gateway.net.EventLoops;
import io.grpc.ServerBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Serves the gRPC server's connections on the gateway's {@link EventLoops}, the ones the HTTP
 * upstream client uses, instead of grpc-netty's own worker pool (twice as many threads as cores).
 */
@Singleton
final class SharedEventLoops implements BeanCreatedEventListener<ServerBuilder<?>> {
    private final EventLoops loops;

    SharedEventLoops(EventLoops loops) {
        this.loops = loops;
    }

    @Override
    public ServerBuilder<?> onCreated(BeanCreatedEvent<ServerBuilder<?>> event) {
        ServerBuilder<?> builder = event.getBean();
        if (builder instanceof NettyServerBuilder netty) {
            netty.bossEventLoopGroup(loops.group()).workerEventLoopGroup(loops.group())
                    .channelType(loops.serverChannelType());
        }
        return builder;
    }
}
