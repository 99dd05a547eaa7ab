package dev.toolgate.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NetTransportTest {

    @Test
    void auto_takesTheFirstTransportOfItsOrderThatLoadsHere() {
        NetTransport expected = NetTransport.AUTO_ORDER.stream().filter(NetTransport::isAvailable).findFirst()
                .orElse(NetTransport.NIO);
        assertThat(NetTransport.choose("auto")).isEqualTo(expected);
        assertThat(NetTransport.choose(" AUTO ")).isEqualTo(expected);
        assertThat(NetTransport.choose("")).isEqualTo(expected);
    }

    @Test
    void aTransportIsNamedAsItsIdSays_andNioAlwaysLoads() {
        assertThat(NetTransport.choose("nio")).isEqualTo(NetTransport.NIO);
        for (NetTransport t : NetTransport.values()) {
            if (t.isAvailable()) {
                assertThat(NetTransport.choose(t.id())).isEqualTo(t);
            } else {
                assertThatThrownBy(() -> NetTransport.choose(t.id())).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cannot be used here").hasMessageContaining("use auto");
            }
        }
    }

    @Test
    void anUnknownName_isRefused_withTheNamesThatWork() {
        assertThatThrownBy(() -> NetTransport.choose("kqueue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown network transport 'kqueue': use auto, io_uring, epoll or nio");
    }

    @Test
    void everyTransportThatLoadsHere_carriesBytesBothWaysOnItsLoops() throws Exception {
        NetTransport[] here = Arrays.stream(NetTransport.values()).filter(NetTransport::isAvailable)
                .toArray(NetTransport[]::new);
        assertThat(here).contains(NetTransport.NIO);
        for (NetTransport t : here) {
            EventLoops loops = new EventLoops(t);
            try {
                assertThat(loops.transport()).isEqualTo(t.id());
                assertThat(echo(loops, "ping over " + t.id())).isEqualTo("ping over " + t.id());
            } finally {
                loops.close();
            }
        }
    }

    /** Sends {@code text} to an echo server on the loops' server channel type through their client type. */
    private static String echo(EventLoops loops, String text) throws Exception {
        Channel server = new ServerBootstrap().group(loops.group()).channel(loops.serverChannelType())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CompletableFuture<String> answer = new CompletableFuture<>();
        StringBuilder got = new StringBuilder();
        try {
            Channel client = new Bootstrap().group(loops.group()).channel(loops.socketChannelType())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf b = (ByteBuf) msg;
                                    got.append(b.toString(StandardCharsets.UTF_8));
                                    b.release();
                                    if (got.length() >= text.length()) {
                                        answer.complete(got.toString());
                                    }
                                }
                            });
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
            String echoed = answer.get(10, TimeUnit.SECONDS);
            client.close().sync();
            return echoed;
        } finally {
            server.close().sync();
        }
    }
}
