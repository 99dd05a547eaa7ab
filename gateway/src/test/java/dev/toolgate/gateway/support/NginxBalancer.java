package dev.toolgate.gateway.support;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx ({@code nginx-light}) as the load balancer in front of gateway instances, in its own process
 * with one worker: gRPC over cleartext HTTP/2 from the clients ({@code listen … http2}) to the instances
 * ({@code grpc_pass} to an {@code upstream} of them, round robin per call, kept-alive connections). Its access
 * log has one line per call, {@code <instance address> <x-test-label header> <HTTP status> <grpc-status>}, so
 * a test can see which instance took which call. A second listener is a cheap, foreign upstream for tools:
 * {@code GET /items/…} answers a fixed JSON body, {@code POST /cases/…} answers 201 with a case and is logged
 * ({@link #upstreamRequests}), so a test can count how often a side-effecting call reached it.
 */
public final class NginxBalancer implements AutoCloseable {
    /** The metadata a test puts on a call to find it in {@link #accessLog()}. */
    public static final String LABEL_HEADER = "x-test-label";
    public static final String ITEM_BODY = "{\"item\":\"i-1\",\"ok\":true}";
    public static final String CASE_BODY = "{\"case_id\":\"C-1\"}";

    private final Process process;
    private final Path dir;
    private final int grpcPort;
    private final int upstreamPort;

    private NginxBalancer(Process process, Path dir, int grpcPort, int upstreamPort) {
        this.process = process;
        this.dir = dir;
        this.grpcPort = grpcPort;
        this.upstreamPort = upstreamPort;
    }

    /** nginx in front of the gRPC ports of the instances on 127.0.0.1; waits until both listeners accept. */
    public static NginxBalancer start(List<Integer> instancePorts) {
        try {
            Path dir = Files.createTempDirectory("toolgate-nginx");
            Files.createDirectories(dir.resolve("tmp"));
            int grpcPort = freePort();
            int upstreamPort = freePort();
            String servers = instancePorts.stream().map(p -> "    server 127.0.0.1:" + p + ";")
                    .collect(Collectors.joining("\n"));
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, """
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 4096; }
                    http {
                      client_body_temp_path %1$s/tmp;
                      proxy_temp_path %1$s/tmp;
                      fastcgi_temp_path %1$s/tmp;
                      uwsgi_temp_path %1$s/tmp;
                      scgi_temp_path %1$s/tmp;
                      log_format calls '$upstream_addr $http_%5$s $status $sent_trailer_grpc_status';
                      log_format sent '$request_method $request_uri $status';
                      upstream gateways {
                    %2$s
                        keepalive 64;
                        keepalive_requests 1000000;
                      }
                      server {
                        listen 127.0.0.1:%3$d http2;
                        access_log %1$s/access.log calls;
                        keepalive_requests 1000000;
                        http2_max_concurrent_streams 256;
                        grpc_read_timeout 120s;
                        grpc_send_timeout 120s;
                        location / {
                          grpc_pass grpc://gateways;
                        }
                      }
                      server {
                        listen 127.0.0.1:%4$d;
                        access_log off;
                        keepalive_requests 1000000;
                        location /items/ {
                          default_type application/json;
                          return 200 '%6$s';
                        }
                        location /cases/ {
                          access_log %1$s/upstream.log sent;
                          default_type application/json;
                          return 201 '%7$s';
                        }
                      }
                    }
                    """.formatted(dir, servers, grpcPort, upstreamPort, LABEL_HEADER.replace('-', '_'), ITEM_BODY,
                    CASE_BODY));
            Process process = new ProcessBuilder(nginxBinary(), "-p", dir.toString(), "-c", conf.toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            NginxBalancer nginx = new NginxBalancer(process, dir, grpcPort, upstreamPort);
            nginx.awaitListening(grpcPort);
            nginx.awaitListening(upstreamPort);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plaintext HTTP/2 channel to the balancer: every call on it goes to the instance nginx picks. */
    public ManagedChannel channel() {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", grpcPort, InsecureChannelCredentials.create()).build();
    }

    /** Base URL of the cheap upstream ({@code GET /items/…}, {@code POST /cases/…}). */
    public String upstreamUrl() {
        return "http://127.0.0.1:" + upstreamPort;
    }

    /** The access log so far, one call a line. */
    public List<String> accessLog() {
        return lines("access.log");
    }

    /** The requests to {@code /cases/…} the upstream answered so far, as {@code <method> <uri> <status>}. */
    public List<String> upstreamRequests() {
        return lines("upstream.log");
    }

    private List<String> lines(String file) {
        try {
            Path log = dir.resolve(file);
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The instance addresses ({@code 127.0.0.1:port}) of the logged calls carrying {@code label}. */
    public List<String> instancesOf(String label) {
        return accessLog().stream().map(l -> l.split(" ")).filter(f -> f.length >= 2 && f[1].equals(label))
                .map(f -> f[0]).toList();
    }

    private void awaitListening(int port) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("nginx.out")).strip());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 30 s");
    }

    private static String nginxBinary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("nginx is not installed (Debian: apt-get install nginx-light; .ci/run does it)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
