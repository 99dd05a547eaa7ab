package dev.toolgate.gateway.cli;

import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import java.util.Map;
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
    static ApplicationContext start(Map<String, Object> properties) {
        ApplicationContext ctx = null;
        try {
            ctx = ApplicationContext.builder()
                    .mainClass(ToolgateCli.class)
                    .banner(false)
                    .properties(properties)
                    .start();
            ctx.findBean(NettyEmbeddedServer.class).ifPresent(s -> s.start());
        } catch (RuntimeException e) {
            if (ctx != null && ctx.isRunning()) {
                ctx.close();
            }
            throw new CliException("cannot start the gateway: " + rootMessage(e) + hint(e));
        }
        ApplicationContext started = ctx;
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "toolgate-shutdown"));
        return started;
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
        String host = ctx.getProperty("toolgate.management.host", String.class).orElse("127.0.0.1");
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

    private static String hint(Throwable e) {
        String all = String.valueOf(rootMessage(e));
        if (all.contains("already in use") || all.contains("file is locked")) {
            return " (another toolgate is using ./data: stop it, or set TOOLGATE_DB_URL / run from another directory)";
        }
        if (all.contains("bind") || all.contains("Address already in use")) {
            return " (a port is taken: set TOOLGATE_GRPC_PORT / TOOLGATE_HTTP_PORT / TOOLGATE_MANAGEMENT_PORT)";
        }
        return "";
    }
}
