package dev.toolgate.observability.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 in front of a real server (PostgreSQL), so a test can take "the
 * database" away — stop: the port refuses connections and open ones are cut — and bring it back
 * on the same port, without touching the server the rest of the suite uses. Shared with the
 * gateway's tests through this module's test jar.
 */
public final class TcpProxy implements AutoCloseable {
    private final int port;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    /** While set, the server's replies are swallowed: requests arrive, answers never do. */
    private volatile boolean muted;
    /** What clients sent through the proxy, as text (for tests that look at request headers). */
    private final StringBuffer sent = new StringBuffer();

    private TcpProxy(int port, String targetHost, int targetPort) {
        this.port = port;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    public static TcpProxy start(String targetHost, int targetPort) {
        TcpProxy proxy = new TcpProxy(freePort(), targetHost, targetPort);
        proxy.up();
        return proxy;
    }

    /** A loopback port that was free a moment ago. */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Listens again on the same port. */
    public synchronized void up() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = s;
            Thread.ofVirtual().name("tcp-proxy-accept").start(() -> accept(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops listening and cuts every open connection. */
    public synchronized void down() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            closeQuietly(s);
        }
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
        awaitRefusing();
    }

    /** Returns once a new connection to the port is refused (closing a listener is not always at once). */
    private void awaitRefusing() {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < until) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            } catch (IOException refused) {
                return;
            }
            open.forEach(TcpProxy::closeQuietly); // a connection accepted while it was closing
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("port " + port + " still accepts connections after down()");
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                if (server != s) { // down() ran while this connection was being set up: cut it too
                    closeQuietly(client);
                    closeQuietly(upstream);
                    return;
                }
                Thread.ofVirtual().start(() -> pipe(client, upstream, false));
                Thread.ofVirtual().start(() -> pipe(upstream, client, true));
            } catch (IOException e) {
                return; // closed by down()
            }
        }
    }

    /** Forwards requests but drops the server's replies until {@link #unmute}: a write whose answer is lost. */
    public void mute() {
        muted = true;
    }

    public void unmute() {
        muted = false;
    }

    /** The bytes clients sent so far (the first MiB), as ISO-8859-1 text. */
    public String sent() {
        return sent.toString();
    }

    private void pipe(Socket from, Socket to, boolean replies) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (replies && muted) {
                    continue;
                }
                if (!replies && sent.length() < 1 << 20) {
                    sent.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        down();
    }
}
