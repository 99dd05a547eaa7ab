package dev.toolgate.gateway.execution.http;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The HTTP/1.1 client of the HTTP tools, on the gateway's Netty {@link EventLoops} (the gRPC
 * server's): a keep-alive pool per destination, no selector thread or executor of its own. A request
 * goes to an address the caller already checked (no lookup here, so the connect address is the
 * checked one); TLS verifies the certificate for the URI's host name (SNI sent). Redirects are not
 * followed. A body over the byte cap is cut, marked truncated, and its connection closed. An
 * idempotent request that finds its pooled connection closed before any byte of the answer is sent
 * once more on a fresh connection. Thread-safe.
 */
final class UpstreamHttpClient {
    /** An answer: status, the headers the executor reads, the body up to the cap. */
    record Answer(int status, String contentType, Optional<String> retryAfter, byte[] body, boolean truncated) {
    }

    /** Where a pooled connection goes: the address, the name TLS checks, the client identity presented. */
    record Destination(boolean tls, String host, InetAddress address, int port, String identity) {
    }

    private static final int MAX_IDLE_PER_DESTINATION = 256;
    private static final long MAX_IDLE_NANOS = 30_000_000_000L;
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final EventLoops loops;
    private final int maxBodyBytes;
    private final Map<Destination, IdleChannels> idle = new ConcurrentHashMap<>();

    UpstreamHttpClient(EventLoops loops, int maxBodyBytes) {
        this.loops = requireNonNull(loops, "loops");
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Sends {@code request} to {@code address}; the future completes on an event loop with the answer
     * or an {@link IOException} (a {@link java.net.ConnectException} when the connection could not be
     * made), or with a {@link TimeoutException} once {@code timeoutNanos} have passed without the
     * whole answer. The deadline is a timer on the connection's event loop, set and (normally)
     * cancelled there: no other thread wakes for it. Cancelling the future, or its timing out,
     * closes the exchange's connection.
     */
    CompletableFuture<Answer> send(OutgoingRequest request, InetAddress address, SslContext tls, String identity,
            long connectTimeoutMillis, long timeoutNanos) {
        URI uri = request.uri();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        Destination to = new Destination(https, uri.getHost(), address, port, identity);
        Exchange ex = new Exchange(request, to, tls, connectTimeoutMillis, System.nanoTime() + timeoutNanos);
        ex.result.whenComplete((a, t) -> {
            ScheduledFuture<?> timer = ex.timer;
            if (timer != null) {
                timer.cancel(false);
            }
            if (ex.result.isCancelled() || t instanceof TimeoutException) {
                Channel c = ex.channel;
                if (c != null) {
                    c.close();
                }
            }
        });
        Channel pooled = takeIdle(to);
        if (pooled != null) {
            ex.reused = true;
            start(pooled, ex);
        } else {
            connect(ex);
        }
        return ex.result;
    }

    private Channel takeIdle(Destination to) {
        IdleChannels q = idle.get(to);
        return q == null ? null : q.take(System.nanoTime());
    }

    private void release(Destination to, Channel channel) {
        IdleChannels q = idle.get(to);
        if (q == null) {
            q = idle.computeIfAbsent(to, k -> new IdleChannels(MAX_IDLE_PER_DESTINATION, MAX_IDLE_NANOS));
        }
        q.release(channel, System.nanoTime());
    }

    private void connect(Exchange ex) {
        Destination to = ex.to;
        io.netty.channel.EventLoop loop = loops.group().next(); // known before connecting: the deadline's timer goes there
        Bootstrap b = new Bootstrap().group(loop).channel(loops.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                        ex.connectTimeoutMillis)))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (to.tls()) {
                            SslHandler ssl = ex.tls.newHandler(ch.alloc(), to.host(), to.port());
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(new HttpClientCodec(8192, 65536, 8192));
                        ch.pipeline().addLast(new ExchangeHandler(to));
                    }
                });
        io.netty.channel.ChannelFuture connecting = b.connect(new InetSocketAddress(to.address(), to.port()));
        ex.arm(loop); // the deadline counts the connect too
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                ex.result.completeExceptionally(f.cause());
            } else if (ex.result.isDone()) {
                f.channel().close(); // cancelled while connecting
            } else {
                start(f.channel(), ex);
            }
        });
    }

    /** Hands the exchange to the channel's loop and writes the request there: one task per request. */
    private void start(Channel channel, Exchange ex) {
        ex.channel = channel;
        if (ex.result.isDone()) {
            channel.close();
            return;
        }
        channel.eventLoop().execute(() -> {
            ex.arm(channel.eventLoop());
            if (ex.result.isDone()) {
                channel.close(); // cancelled or timed out before it was written
                return;
            }
            ExchangeHandler h = channel.pipeline().get(ExchangeHandler.class);
            if (h == null || !channel.isActive()) {
                retryOrFail(ex, new IOException("the connection closed before the request was sent"));
                return;
            }
            h.current = ex;
            channel.writeAndFlush(ex.toNetty()).addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess()) {
                    h.current = null;
                    retryOrFail(ex, f.cause());
                    f.channel().close();
                }
            });
        });
    }

    private void retryOrFail(Exchange ex, Throwable cause) {
        if (ex.reused && !ex.received && !ex.retried && IDEMPOTENT.contains(ex.request.method())) {
            ex.retried = true;
            ex.reused = false;
            connect(ex);
        } else {
            ex.result.completeExceptionally(cause instanceof IOException ? cause : new IOException(cause));
        }
    }

    private final class Exchange {
        final OutgoingRequest request;
        final Destination to;
        final SslContext tls;
        final long connectTimeoutMillis;
        final CompletableFuture<Answer> result = new CompletableFuture<>();
        /** When the whole answer must be in ({@link System#nanoTime()}). */
        final long deadlineNanos;
        volatile ScheduledFuture<?> timer;
        volatile Channel channel;
        volatile boolean reused;
        boolean retried;
        boolean received;
        boolean informational;
        int status;
        String contentType = "";
        Optional<String> retryAfter = Optional.empty();
        boolean keepAlive;
        ByteArrayOutputStream body;

        Exchange(OutgoingRequest request, Destination to, SslContext tls, long connectTimeoutMillis,
                long deadlineNanos) {
            this.request = request;
            this.to = to;
            this.tls = tls;
            this.connectTimeoutMillis = connectTimeoutMillis;
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Sets the deadline's timer on {@code loop}, once per exchange (a retry on a fresh connection
         * keeps it); a timer set after the exchange ended is cancelled at once.
         */
        synchronized void arm(io.netty.channel.EventLoop loop) {
            if (timer != null) {
                return;
            }
            try {
                timer = loop.schedule(this::timeOut, Math.max(0, deadlineNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                result.completeExceptionally(new IOException("the gateway's event loops are shut down"));
                return;
            }
            if (result.isDone()) {
                timer.cancel(false);
            }
        }

        /**
         * The timer's task: the answer is late (no-op when it came in time). Runs on the loop of the
         * exchange's connection: after a retry on a fresh connection that may be another loop than
         * the timer's, where the answer could just have put the connection back in the pool.
         */
        void timeOut() {
            Channel c = channel;
            if (c != null && c.isRegistered() && !c.eventLoop().inEventLoop()) {
                try {
                    c.eventLoop().execute(this::timeOutHere);
                    return;
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // its loop is gone: end it here
                }
            }
            timeOutHere();
        }

        private void timeOutHere() {
            result.completeExceptionally(new TimeoutException("no complete answer within the deadline"));
        }

        DefaultFullHttpRequest toNetty() {
            URI uri = request.uri();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path = path + "?" + uri.getRawQuery();
            }
            byte[] bytes = request.body();
            DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(request.method()), path,
                    bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes), false);
            HttpHeaders h = r.headers();
            h.add(HttpHeaderNames.HOST, uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
            for (OutgoingRequest.Header header : request.headers()) {
                h.add(header.name(), header.value());
            }
            if (bytes.length > 0 || "POST".equals(request.method()) || "PUT".equals(request.method())
                    || "PATCH".equals(request.method())) {
                h.set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            }
            return r;
        }
    }

    /** The last handler of a connection: reads the answer of the exchange in flight on it. Event loop only. */
    private final class ExchangeHandler extends ChannelInboundHandlerAdapter {
        private final Destination to;
        Exchange current;

        ExchangeHandler(Destination to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                Exchange ex = current;
                if (ex == null) {
                    ctx.close(); // an answer nobody asked for: the connection is out of step
                    return;
                }
                if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                    current = null;
                    ex.result.completeExceptionally(new IOException("malformed answer: "
                            + o.decoderResult().cause().getClass().getSimpleName()));
                    ctx.close();
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    ex.received = true;
                    ex.informational = r.status().code() < 200;
                    if (!ex.informational) {
                        ex.status = r.status().code();
                        ex.contentType = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
                        ex.retryAfter = Optional.ofNullable(r.headers().get(HttpHeaderNames.RETRY_AFTER));
                        ex.keepAlive = HttpUtil.isKeepAlive(r);
                        long length = HttpUtil.getContentLength(r, -1L);
                        ex.body = new ByteArrayOutputStream(length >= 0 ? (int) Math.min(length, maxBodyBytes) : 256);
                    }
                }
                if (msg instanceof HttpContent c) {
                    if (ex.informational) {
                        if (c instanceof LastHttpContent) {
                            ex.informational = false; // the final answer follows
                        }
                        return;
                    }
                    ByteBuf buf = c.content();
                    int room = maxBodyBytes - ex.body.size();
                    int n = buf.readableBytes();
                    if (n > room) {
                        buf.readBytes(ex.body, room);
                        current = null;
                        ex.result.complete(answer(ex, true));
                        ctx.close(); // stop reading the rest
                        return;
                    }
                    buf.readBytes(ex.body, n);
                    if (c instanceof LastHttpContent) {
                        current = null;
                        // back in the pool before the caller wakes: its next request finds the connection
                        if (ex.keepAlive && !ex.result.isDone()) {
                            release(to, ctx.channel());
                        } else {
                            ctx.close();
                        }
                        ex.result.complete(answer(ex, false));
                    }
                }
            } catch (IOException e) {
                exceptionCaught(ctx, e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private Answer answer(Exchange ex, boolean truncated) {
            return new Answer(ex.status, ex.contentType, ex.retryAfter, ex.body.toByteArray(), truncated);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange ex = current;
            current = null;
            IdleChannels q = idle.get(to);
            if (q != null) {
                q.remove(ctx.channel());
            }
            if (ex != null && !ex.result.isDone()) {
                retryOrFail(ex, new IOException("the connection closed before the answer was complete"));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange ex = current;
            current = null;
            if (ex != null) {
                Throwable t = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                        ? cause.getCause() : cause;
                retryOrFail(ex, t); // a reused connection reset before any byte of the answer: once more
            }
            ctx.close();
        }
    }

    /** Closes every pooled connection. */
    void close() {
        idle.values().forEach(IdleChannels::closeAll);
        idle.clear();
    }
}
