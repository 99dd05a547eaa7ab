package dev.toolgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cheap, foreign upstream: nginx answering {@code GET|POST /echo} with a static JSON body after
 * checking the bearer token, on 127.0.0.1, one worker, in its own process (Debian {@code nginx-light}).
 */
final class Nginx implements AutoCloseable {
    static final String BODY = "{\"ok\":true,\"source\":\"echo\"}";

    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Nginx start(Path dir, String token) throws IOException, InterruptedException {
        String binary = Tools.require("nginx", "apt-get install nginx-light");
        if (!token.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("token must be URL-safe base64, but was " + token.length() + " other characters");
        }
        Files.createDirectories(dir.resolve("tmp"));
        int port = freePort();
        Path conf = dir.toAbsolutePath().resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp;
                  proxy_temp_path %1$s/tmp;
                  fastcgi_temp_path %1$s/tmp;
                  keepalive_requests 100000000;
                  keepalive_timeout 300s;
                  server {
                    listen 127.0.0.1:%2$d;
                    location = /echo {
                      default_type application/json;
                      if ($http_authorization != "Bearer %3$s") { return 401 '{"error":"unauthorized"}'; }
                      return 200 '%4$s';
                    }
                  }
                }
                """.formatted(dir.toAbsolutePath(), port, token, BODY));
        Process process = new ProcessBuilder(binary, "-p", dir.toAbsolutePath().toString(), "-c", conf.toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Nginx nginx = new Nginx(process, port);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("nginx.out")).strip());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        nginx.close();
        throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** nginx's master and worker processes, for their CPU time. */
    List<ProcessHandle> processes() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants()).toList();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
