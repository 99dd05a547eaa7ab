package dev.toolgate.gateway.execution.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.gateway.net.EventLoops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Netty upstream client against a raw HTTP/1.1 server on 127.0.0.1 that counts its connections
 * and records every request head it reads. The server's answer per request is chosen by its index;
 * {@code null} closes the connection without answering.
 */
class UpstreamHttpClientTest {
    private static final long HANG_GUARD_SECONDS = 20;
    private static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);
    private final EventLoops loops = new EventLoops();
    private final UpstreamHttpClient client = new UpstreamHttpClient(loops, 1024);
    private RawServer server;

    @AfterEach
    void stop() throws Exception {
        client.close();
        if (server != null) {
            server.close();
        }
        loops.group().shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void twoRequestsInARow_shareOneKeepAliveConnection() throws Exception {
        server = new RawServer(i -> ok("{\"n\":" + i + "}", false));
        assertThat(new String(get("/a").body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":0}");
        assertThat(new String(get("/b").body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.heads.get(1)).startsWith("GET /b HTTP/1.1");
    }

    @Test
    void theRequestGoesToTheGivenAddress_andNamesTheUrisHostInItsHostHeader() throws Exception {
        server = new RawServer(i -> ok("{}", false));
        UpstreamHttpClient.Answer a = client.send(new OutgoingRequest("GET",
                        URI.create("http://upstream.invalid:" + server.port() + "/x?q=1")),
                InetAddress.getLoopbackAddress(), null, "", 5_000, TEN_SECONDS).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertThat(a.status()).isEqualTo(200);
        assertThat(server.heads.get(0)).startsWith("GET /x?q=1 HTTP/1.1")
                .containsIgnoringCase("host: upstream.invalid:" + server.port());
    }

    @Test
    void anIdempotentRequestOnAPooledConnectionTheServerClosed_isSentOnceMoreOnAFreshOne() throws Exception {
        server = new RawServer(i -> i == 1 ? null : ok("{}", false));
        get("/first");
        UpstreamHttpClient.Answer second = get("/second");
        assertThat(second.status()).isEqualTo(200);
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.heads).hasSize(3);
    }

    @Test
    void aPostOnAPooledConnectionTheServerClosed_failsInsteadOfBeingSentTwice() throws Exception {
        server = new RawServer(i -> i == 1 ? null : ok("{}", false));
        get("/first");
        OutgoingRequest post = new OutgoingRequest("POST", uri("/cases")).body("{\"a\":1}");
        assertThatThrownBy(() -> client.send(post, InetAddress.getLoopbackAddress(), null, "", 5_000, TEN_SECONDS)
                .get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(server.heads).hasSize(2);
    }

    @Test
    void aBodyOverTheCap_isCutAndMarkedTruncated_andItsConnectionIsNotReused() throws Exception {
        server = new RawServer(i -> i == 0 ? ok("x".repeat(5000), false) : ok("{}", false));
        UpstreamHttpClient.Answer big = get("/big");
        assertThat(big.truncated()).isTrue();
        assertThat(big.body()).hasSize(1024);
        assertThat(get("/small").truncated()).isFalse();
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anAnswerWithConnectionClose_isReadAndTheConnectionIsNotPooled() throws Exception {
        server = new RawServer(i -> ok("{}", true));
        assertThat(get("/a").status()).isEqualTo(200);
        assertThat(get("/b").status()).isEqualTo(200);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void aRefusedConnection_failsWithAConnectException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> client.send(new OutgoingRequest("GET", URI.create("http://127.0.0.1:" + port + "/")),
                InetAddress.getLoopbackAddress(), null, "", 5_000, TEN_SECONDS).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void anUpstreamThatNeverAnswers_endsInATimeoutAtTheDeadline_andItsConnectionIsClosed() throws Exception {
        server = new RawServer(i -> i == 0 ? "" : ok("{}", false));
        var late = client.send(new OutgoingRequest("GET", uri("/slow")), InetAddress.getLoopbackAddress(), null, "",
                5_000, TimeUnit.MILLISECONDS.toNanos(300));
        assertThatThrownBy(() -> late.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        server.awaitClosed(1);
        assertThat(get("/next").status()).isEqualTo(200);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void anAnswerWhoseBodyStopsHalfway_endsInATimeout() throws Exception {
        server = new RawServer(i -> "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                + "{\"a\":");
        var late = client.send(new OutgoingRequest("GET", uri("/half")), InetAddress.getLoopbackAddress(), null, "",
                5_000, TimeUnit.MILLISECONDS.toNanos(300));
        assertThatThrownBy(() -> late.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        server.awaitClosed(1);
    }

    @Test
    void aDeadlinePassingAfterTheAnswer_leavesItsPooledConnectionToTheNextExchange() throws Exception {
        java.util.concurrent.CountDownLatch firstDeadlinePassed = new java.util.concurrent.CountDownLatch(1);
        server = new RawServer(i -> {
            if (i == 1) { // the second request is answered only once the first one's deadline has passed
                try {
                    firstDeadlinePassed.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ok("{}", false);
        });
        long firstDeadline = TimeUnit.MILLISECONDS.toNanos(100);
        var answered = client.send(new OutgoingRequest("GET", uri("/a")), InetAddress.getLoopbackAddress(), null, "",
                5_000, firstDeadline);
        assertThat(answered.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(200);
        var second = client.send(new OutgoingRequest("GET", uri("/b")), InetAddress.getLoopbackAddress(), null, "",
                5_000, TEN_SECONDS);
        // the first request's deadline passes on the loop while the second waits on the same connection
        loops.group().next().schedule(firstDeadlinePassed::countDown, 2 * firstDeadline, TimeUnit.NANOSECONDS);
        assertThat(second.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.closed.get()).isZero();
    }

    @Test
    void headersTheClientSetsItselfOrWithControlCharacters_areRefused() {
        OutgoingRequest r = new OutgoingRequest("GET", URI.create("http://127.0.0.1/"));
        assertThatThrownBy(() -> r.header("Host", "evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.header("X-A", "a\r\nX-Injected: 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("Injected");
        assertThatThrownBy(() -> r.header("X A", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThat(r.headers()).isEmpty();
    }

    private UpstreamHttpClient.Answer get(String path) throws Exception {
        return client.send(new OutgoingRequest("GET", uri(path)), InetAddress.getLoopbackAddress(), null, "", 5_000, TEN_SECONDS)
                .get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static String ok(String body, boolean close) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" + (close ? "Connection: close\r\n" : "")
                + "\r\n" + body;
    }

    /** One platform thread per connection; reads request heads (and a Content-Length body), answers by index. */
    private static final class RawServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final List<String> heads = new CopyOnWriteArrayList<>();
        final IntFunction<String> answers;

        RawServer(IntFunction<String> answers) throws IOException {
            this.answers = answers;
            Thread.ofPlatform().daemon().start(this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread.ofPlatform().daemon().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1)); OutputStream out = s.getOutputStream()) {
                while (true) {
                    StringBuilder head = new StringBuilder();
                    int length = 0;
                    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                        head.append(line).append('\n');
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                    if (head.isEmpty()) {
                        return;
                    }
                    in.skip(length);
                    heads.add(head.toString());
                    String answer = answers.apply(requests.getAndIncrement());
                    if (answer == null) {
                        return; // closes without answering
                    }
                    // "" answers nothing and keeps the connection open
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (answer.contains("Connection: close")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                synchronized (closed) {
                    closed.incrementAndGet();
                    closed.notifyAll();
                }
            }
        }

        /** Waits until {@code n} connections ended (the client closed them, or the server did). */
        void awaitClosed(int n) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANG_GUARD_SECONDS);
            synchronized (closed) {
                while (closed.get() < n) {
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(closed.get() + " of " + n + " connections ended");
                    }
                    closed.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
