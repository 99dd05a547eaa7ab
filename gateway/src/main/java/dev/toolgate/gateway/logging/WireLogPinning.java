package dev.toolgate.gateway.logging;

import ch.qos.logback.classic.LoggerContext;
import io.micronaut.context.annotation.Context;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins wire logging off when the gateway starts (an eager bean, so before the gRPC server takes
 * a call): installs {@link WireLogFilter} into logback when the active configuration lacks it,
 * and clears the JDK HTTP client's debug switches ({@link #JDK_HTTP_CLIENT_SWITCHES}), which
 * would print upstream requests' {@code Authorization} headers to stderr or the platform
 * logger whatever logback says. The switches are read once, when the JDK HTTP client first
 * loads; the executors call {@link #clearJdkHttpClientSwitches()} again before they build
 * their clients, so the order of bean creation does not matter. Thread-safe.
 */
@Context
public final class WireLogPinning {
    /** System properties that turn on the JDK HTTP client's header and frame logging. */
    public static final List<String> JDK_HTTP_CLIENT_SWITCHES = List.of(
            "jdk.httpclient.HttpClient.log",
            "jdk.internal.httpclient.debug",
            "jdk.internal.httpclient.hpack.debug",
            "jdk.internal.httpclient.websocket.debug");

    private static final Logger LOG = LoggerFactory.getLogger(WireLogPinning.class);

    WireLogPinning() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext logback && WireLogFilter.installIn(logback)) {
            LOG.info("Wire logging of gRPC, HTTP and MCP traffic is pinned below DEBUG (the logback configuration"
                    + " did not install dev.toolgate.gateway.logging.WireLogFilter)");
        }
        clearJdkHttpClientSwitches();
    }

    /**
     * Removes every {@link #JDK_HTTP_CLIENT_SWITCHES} system property that is set, with a warning
     * naming it (never its value).
     *
     * @return the names removed, never {@code null}
     */
    public static List<String> clearJdkHttpClientSwitches() {
        List<String> removed = new ArrayList<>();
        for (String name : JDK_HTTP_CLIENT_SWITCHES) {
            if (System.getProperties().remove(name) != null) {
                removed.add(name);
            }
        }
        if (!removed.isEmpty()) {
            LOG.warn("Ignoring {}: the JDK HTTP client would log upstream credentials", String.join(", ", removed));
        }
        return List.copyOf(removed);
    }
}
