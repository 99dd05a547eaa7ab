package dev.toolgate.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Marker;

/**
 * A logback {@link TurboFilter} that denies every event below INFO from the loggers that print
 * wire traffic: gRPC/Netty HTTP/2 frames (headers with {@code authorization: Bearer tg_…}, DATA
 * frames as hex dumps holding {@code PutSecret} values), Netty's byte logging, the Micronaut HTTP
 * client, the JDK HTTP client and the MCP SDK's message logging. A turbo filter runs before any
 * level check, so a logger or root level of DEBUG or TRACE — from {@code TOOLGATE_LOG_LEVEL},
 * {@code logback.xml}, Micronaut's {@code logger.levels} or code — cannot turn them on. INFO and
 * above (connection failures and the like) pass unchanged; every other logger is left to the
 * other filters and levels ({@link FilterReply#NEUTRAL}).
 *
 * <p>Installed from {@code logback.xml} and, in case an operator's own logback configuration
 * omits it, by {@link WireLogPinning} when the gateway starts. Thread-safe; its only state is the
 * answers of {@link #isPinned} by logger name.
 */
public final class WireLogFilter extends TurboFilter {
    /** Logger name prefixes (whole dotted segments) whose DEBUG and TRACE events are denied. */
    public static final List<String> PINNED = List.of(
            "io.grpc.netty",                 // NettyServerHandler / NettyClientHandler frame loggers
            "io.grpc.netty.shaded",          // the shaded transport, same loggers
            "io.netty.handler.codec.http2",  // Http2FrameLogger's default logger
            "io.netty.handler.logging",      // LoggingHandler: every byte
            "io.netty.handler.codec.http",   // HTTP/1 codec of the /mcp endpoint
            "io.micronaut.http.client",      // request and response headers at TRACE
            "io.micronaut.http.server.netty",// requests of the /mcp endpoint
            "io.micronaut.http.netty",
            "jdk.httpclient",                // the JDK HTTP client's System.Logger (headers, frames)
            "jdk.internal.httpclient",
            "io.modelcontextprotocol");      // MCP JSON-RPC messages: arguments, results

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (level == null || level.isGreaterOrEqual(Level.INFO) || logger == null) {
            return FilterReply.NEUTRAL;
        }
        // denied whatever the logger's own level: a later turbo filter that accepts, or logback's
        // log(LoggingEvent), which checks no level, would let a neutral reply through
        return isPinned(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /**
     * Answers of {@link #isPinned} by logger name. Every level check below INFO asks (Netty's and
     * gRPC's {@code isDebugEnabled()} on the event loops, several per call), always for the same few
     * loggers; a cached answer costs a hash lookup instead of a prefix comparison per pinned name.
     * Bounded: emptied when full.
     */
    private static final ConcurrentHashMap<String, Boolean> ANSWERS = new ConcurrentHashMap<>();
    private static final int MAX_ANSWERS = 4_096;

    /** Whether {@code loggerName} is one of {@link #PINNED} or below one. */
    public static boolean isPinned(String loggerName) {
        Boolean known = ANSWERS.get(loggerName);
        if (known != null) {
            return known;
        }
        boolean pinned = matchesPinned(loggerName);
        if (ANSWERS.size() >= MAX_ANSWERS) {
            ANSWERS.clear();
        }
        ANSWERS.put(loggerName, pinned);
        return pinned;
    }

    private static boolean matchesPinned(String loggerName) {
        for (String prefix : PINNED) {
            if (loggerName.startsWith(prefix)
                    && (loggerName.length() == prefix.length() || loggerName.charAt(prefix.length()) == '.')) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a started filter to {@code context} unless one is there already.
     *
     * @return true when this call added it
     */
    public static boolean installIn(LoggerContext context) {
        synchronized (context.getTurboFilterList()) {
            if (context.getTurboFilterList().stream().anyMatch(WireLogFilter.class::isInstance)) {
                return false;
            }
            WireLogFilter filter = new WireLogFilter();
            filter.setName("wire-log-pinning");
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
            return true;
        }
    }
}
