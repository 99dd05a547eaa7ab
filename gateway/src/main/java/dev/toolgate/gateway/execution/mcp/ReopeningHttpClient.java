package dev.toolgate.gateway.execution.mcp;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The HTTP client of one MCP integration's Streamable HTTP transport, which keeps the server's
 * notification stream ({@code GET} with {@code Accept: text/event-stream}) open: when the server
 * ends the stream, or the connection breaks, it sends the GET again — after the delay the server
 * asked for ({@code retry:}) or a backoff (0.5 s doubling to 30 s, with jitter, reset once a
 * stream is open again), with {@code Last-Event-ID} when the server gave event ids, so a server
 * that keeps its events replays what was sent meanwhile — and hands the events of the new
 * response on as the continuation of the first one. The MCP SDK opens that stream once per
 * session and never again; this way it sees one endless stream.
 *
 * <p>When the server no longer knows the session (404, or 400 to a request that named one), the
 * stream ends and {@code sessionLost} runs: the caller then opens a new session (and reads the
 * tool list, which may have changed while nobody listened). A server that offers no stream (405)
 * is not asked again. {@link #close()} ends every stream at once, including a wait for the next
 * attempt. Every other request passes through unchanged. Thread-safe.
 */
final class ReopeningHttpClient extends HttpClient {
    private static final Logger LOG = LoggerFactory.getLogger(ReopeningHttpClient.class);
    static final Duration FIRST_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private final HttpClient delegate;
    private final String name;
    private final UnaryOperator<HttpRequest.Builder> refresh;
    private final Runnable sessionLost;
    private final Scheduler timer;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final AtomicInteger reopened = new AtomicInteger();

    /**
     * @param name        what the log lines call the server, e.g. {@code tenant/integration}
     * @param refresh     applied to each repeated GET (fresh credentials, the egress check); may throw
     * @param sessionLost runs once per stream whose session the server no longer knows
     * @param timer       where the waits between attempts run
     */
    ReopeningHttpClient(HttpClient delegate, String name, UnaryOperator<HttpRequest.Builder> refresh,
            Runnable sessionLost, Scheduler timer) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.name = requireNonNull(name, "name");
        this.refresh = requireNonNull(refresh, "refresh");
        this.sessionLost = requireNonNull(sessionLost, "sessionLost");
        this.timer = requireNonNull(timer, "timer");
    }

    /** A builder whose {@code build()} wraps what {@code delegate} builds. */
    static HttpClient.Builder builder(HttpClient.Builder delegate, java.util.function.Function<HttpClient,
            ReopeningHttpClient> wrap) {
        return new WrappingBuilder(delegate, wrap);
    }

    /** How many times a notification stream was opened again (for the log and the tests). */
    int reopened() {
        return reopened.get();
    }

    /** Ends every notification stream now; no GET is sent again. */
    @Override
    public void close() {
        closed.tryEmitEmpty();
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        if (!isEventStream(request)) {
            return delegate.sendAsync(request, handler);
        }
        return delegate.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher()).thenCompose(first -> {
            if (first.statusCode() != 200 || !isEventStream(first.headers())) {
                return handOn(first, first.body(), handler);
            }
            SseReframer frames = new SseReframer(MAX_EVENT_BYTES);
            Stream stream = new Stream(request, frames);
            Flux<List<ByteBuffer>> all = Flux.concat(stream.events(first.body()), stream.reopening())
                    .takeUntilOther(closed.asMono());
            return handOn(first, JdkFlowAdapter.publisherToFlowPublisher(all), handler);
        });
    }

    /** The successive responses of one notification stream. */
    private final class Stream {
        private final HttpRequest first;
        private final SseReframer frames;
        private Duration delay = FIRST_DELAY;
        private boolean over;
        private int failuresInARow;

        Stream(HttpRequest first, SseReframer frames) {
            this.first = first;
            this.frames = frames;
        }

        /**
         * The whole events of one response. A response that ends or breaks before its first
         * event counts as a failed attempt (the delay grows); one that brought events resets it.
         */
        Flux<List<ByteBuffer>> events(Flow.Publisher<List<ByteBuffer>> body) {
            boolean[] delivered = {false};
            return JdkFlowAdapter.flowPublisherToFlux(body)
                    .map(frames::feed)
                    .filter(l -> !l.isEmpty())
                    .doOnNext(l -> {
                        if (!delivered[0]) {
                            delivered[0] = true;
                            failuresInARow = 0;
                            delay = FIRST_DELAY;
                        }
                    })
                    .onErrorResume(e -> !(e instanceof Error), e -> {
                        // servers often end a stream by dropping the connection (no last chunk)
                        ended(delivered[0], e.toString());
                        return Flux.empty();
                    })
                    .doOnComplete(() -> ended(delivered[0], "ended by the server"))
                    .doFinally(s -> frames.endOfResponse());
        }

        Flux<List<ByteBuffer>> reopening() {
            return Flux.defer(this::attempt).repeat(() -> !over);
        }

        private Flux<List<ByteBuffer>> attempt() {
            Duration wait = frames.retry().filter(r -> failuresInARow == 0).orElse(jittered(delay));
            return Mono.delay(wait, timer)
                    .then(Mono.defer(() -> Mono.fromFuture(delegate.sendAsync(request(),
                            HttpResponse.BodyHandlers.ofPublisher()))))
                    .flatMapMany(this::answered)
                    .onErrorResume(e -> {
                        if (e instanceof Error) {
                            return Flux.error(e);
                        }
                        failed(e.toString());
                        return Flux.empty();
                    });
        }

        private HttpRequest request() {
            HttpRequest.Builder b = HttpRequest.newBuilder(first, (header, value) ->
                    !header.equalsIgnoreCase("Last-Event-ID"));
            frames.lastEventId().ifPresent(id -> b.setHeader("Last-Event-ID", id));
            return refresh.apply(b).build();
        }

        private Flux<List<ByteBuffer>> answered(HttpResponse<Flow.Publisher<List<ByteBuffer>>> response) {
            int status = response.statusCode();
            if (status == 200 && isEventStream(response.headers())) {
                int n = reopened.incrementAndGet();
                LOG.debug("the notification stream of MCP server {} is open again ({} times){}", name, n,
                        frames.lastEventId().map(id -> ", resuming after event " + id).orElse(""));
                return events(response.body());
            }
            discard(response.body());
            boolean namedSession = first.headers().firstValue("Mcp-Session-Id").isPresent();
            if (status == 404 || status == 400 && namedSession) {
                LOG.info("MCP server {} no longer knows the session of its notification stream ({}): a new session"
                        + " is opened", name, status);
                over = true;
                sessionLost.run();
            } else if (status == 405) {
                LOG.info("MCP server {} offers no notification stream any more (405)", name);
                over = true;
            } else {
                failed("HTTP " + status);
            }
            return Flux.empty();
        }

        private void ended(boolean delivered, String how) {
            if (delivered) {
                LOG.debug("the notification stream of MCP server {} ended ({}); it is opened again", name, how);
            } else {
                failed(how + " before any event");
            }
        }

        private void failed(String why) {
            failuresInARow++;
            if (failuresInARow == 1) {
                LOG.warn("the notification stream of MCP server {} failed ({}); it is opened again with a growing"
                        + " delay (at most {})", name, why, MAX_DELAY);
            } else {
                LOG.debug("the notification stream of MCP server {} failed ({}, {} times in a row)", name, why,
                        failuresInARow);
            }
            Duration doubled = delay.multipliedBy(2);
            delay = doubled.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : doubled;
        }
    }

    /** ±20 % so that many gateways do not come back at the same instant. */
    private static Duration jittered(Duration d) {
        long ms = d.toMillis();
        return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(-ms / 5, ms / 5 + 1));
    }

    private static boolean isEventStream(HttpRequest request) {
        return request.method().equals("GET") && request.headers().allValues("Accept").stream()
                .anyMatch(a -> a.contains("text/event-stream"));
    }

    private static boolean isEventStream(HttpHeaders headers) {
        return headers.firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT)
                .contains("text/event-stream");
    }

    private static void discard(Flow.Publisher<List<ByteBuffer>> body) {
        JdkFlowAdapter.flowPublisherToFlux(body).take(Duration.ofSeconds(5)).subscribe(b -> { }, e -> { });
    }

    /** Feeds {@code body} to the caller's handler, as the response to {@code response}'s request. */
    private static <T> CompletableFuture<HttpResponse<T>> handOn(HttpResponse<?> response,
            Flow.Publisher<List<ByteBuffer>> body, HttpResponse.BodyHandler<T> handler) {
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new Info(response));
        body.subscribe(subscriber);
        return subscriber.getBody().toCompletableFuture().<HttpResponse<T>>thenApply(t -> new Handed<>(response, t));
    }

    private record Info(HttpResponse<?> response) implements HttpResponse.ResponseInfo {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public Version version() {
            return response.version();
        }
    }

    private record Handed<T>(HttpResponse<?> response, T body) implements HttpResponse<T> {
        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public HttpRequest request() {
            return response.request();
        }

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return response.headers();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return response.sslSession();
        }

        @Override
        public java.net.URI uri() {
            return response.uri();
        }

        @Override
        public Version version() {
            return response.version();
        }
    }

    // ---- everything else is the delegate's

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> push) {
        return isEventStream(request) ? sendAsync(request, handler) : delegate.sendAsync(request, handler, push);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    private record WrappingBuilder(HttpClient.Builder delegate,
            java.util.function.Function<HttpClient, ReopeningHttpClient> wrap) implements HttpClient.Builder {
        @Override
        public Builder cookieHandler(CookieHandler cookieHandler) {
            delegate.cookieHandler(cookieHandler);
            return this;
        }

        @Override
        public Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public Builder sslContext(SSLContext sslContext) {
            delegate.sslContext(sslContext);
            return this;
        }

        @Override
        public Builder sslParameters(SSLParameters sslParameters) {
            delegate.sslParameters(sslParameters);
            return this;
        }

        @Override
        public Builder executor(Executor executor) {
            delegate.executor(executor);
            return this;
        }

        @Override
        public Builder followRedirects(Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public Builder version(Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public Builder proxy(ProxySelector proxySelector) {
            delegate.proxy(proxySelector);
            return this;
        }

        @Override
        public Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public Builder localAddress(java.net.InetAddress localAddr) {
            delegate.localAddress(localAddr);
            return this;
        }

        @Override
        public HttpClient build() {
            return wrap.apply(delegate.build());
        }
    }
}
