package dev.toolgate.gateway.cli;

import dev.toolgate.gateway.management.Drain;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.env.PropertySource;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Starts the application (gRPC + HTTP) and keeps it running until the JVM stops. */
final class GatewayRuntime {
    private GatewayRuntime() {
    }

    /**
     * Starts the context; the gRPC server starts with it and the HTTP server (health) after it.
     *
     * @throws CliException with the root cause in one line when anything fails to start
     */
    static ApplicationContext start(Map<String, Object> properties, Optional<PropertySource> configFile) {
        ApplicationContext ctx = null;
        try {
            ctx = builder(properties, configFile).start();
            ctx.findBean(NettyEmbeddedServer.class).ifPresent(s -> s.start());
        } catch (RuntimeException e) {
            if (ctx != null && ctx.isRunning()) {
                ctx.close();
            }
            throw new CliException("cannot start the gateway: " + rootMessage(e) + hint(e));
        }
        ApplicationContext started = ctx;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // one line, so a stop that takes a moment does not look like a hang
            System.err.println("toolgate: stopping: letting calls in flight finish and flushing the audit log...");
            started.findBean(Drain.class).ifPresent(Drain::drain);
            started.close();
        }, "toolgate-shutdown"));
        return started;
    }

    /** The context as {@link #start} builds it: the command's properties, then the config file's. */
    static ApplicationContextBuilder builder(Map<String, Object> properties, Optional<PropertySource> configFile) {
        ApplicationContextBuilder builder = ApplicationContext.builder()
                .mainClass(ToolgateCli.class)
                .banner(false)
                .properties(properties);
        configFile.ifPresent(builder::propertySources);
        return builder;
    }

    static int grpcPort(ApplicationContext ctx) {
        return ctx.getBean(GrpcEmbeddedServer.class).getPort();
    }

    static String httpPort(ApplicationContext ctx) {
        return ctx.findBean(NettyEmbeddedServer.class).map(s -> String.valueOf(s.getPort()))
                .orElse(ctx.getProperty("micronaut.server.port", String.class).orElse("8080"));
    }

    /** {@code http://host:port} of the management listener ({@code /metrics}, {@code /health}). */
    static String management(ApplicationContext ctx) {
        String host = ctx.getBean(dev.toolgate.gateway.management.ManagementConfig.class).host();
        int port = ctx.getBean(dev.toolgate.gateway.management.ManagementServer.class).port();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static int awaitShutdown() throws InterruptedException {
        new CountDownLatch(1).await();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /**
     * What to do about a failed start. A taken port names the port and its variable (the root
     * message, "Address already in use", would otherwise read like the H2 lock of ./data).
     */
    static String hint(Throwable e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            chain.append(t.getMessage()).append('\n');
            if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return portHint(chain.toString());
            }
        }
        String all = chain.toString();
        if (all.contains("file is locked") || all.contains("Database may be already in use")) {
            return " (another toolgate is using ./data: stop it, or set TOOLGATE_DB_URL / run from another directory)";
        }
        return "";
    }

    private static String portHint(String messages) {
        if (messages.contains("management listener")) {
            return ""; // its message names the address and TOOLGATE_MANAGEMENT_HOST / _PORT already
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bind to address \\S*?:(\\d+)").matcher(messages);
        if (messages.contains("GRPC") || messages.contains("gRPC")) {
            return " (the gRPC port" + (m.find() ? " " + m.group(1) : "") + " is taken by another process:"
                    + " stop it or set TOOLGATE_GRPC_PORT)";
        }
        return " (the HTTP port" + (m.find() ? " " + m.group(1) : "") + " is taken by another process:"
                + " stop it or set TOOLGATE_HTTP_PORT)";
    }
}
