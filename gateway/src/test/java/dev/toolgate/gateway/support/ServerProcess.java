package dev.toolgate.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server the tests run as a child process (a Node MCP server, an OpenID provider): started, read
 * until it prints the line that says it listens, and stopped — politely first, forcibly after ten
 * seconds. Its output is drained for as long as it runs, so it never blocks on a full pipe.
 */
public final class ServerProcess {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Process process;

    private ServerProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code command} (its output merged) and waits until a line contains {@code readyLine}.
     *
     * @throws IllegalStateException naming {@code what} when it exits or stays silent for {@code timeout}
     */
    public static ServerProcess start(ProcessBuilder command, String readyLine, String what, Duration timeout) {
        Process process;
        try {
            process = command.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(what + " could not be started: " + e.getMessage(), e);
        }
        ServerProcess server = new ServerProcess(process);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().name(what + "-log").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            } finally {
                ready.completeExceptionally(new IllegalStateException(what + " exited before listening"));
            }
        });
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return server;
        } catch (Exception e) {
            server.stop();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(what + " did not start", e);
        }
    }

    /** Stops the process and waits for it to end. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
