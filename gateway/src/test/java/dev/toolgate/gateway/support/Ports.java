package dev.toolgate.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback ports for servers a test starts. */
public final class Ports {
    private Ports() {
    }

    /** A port that was free a moment ago (nothing listens on it when this returns). */
    public static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
