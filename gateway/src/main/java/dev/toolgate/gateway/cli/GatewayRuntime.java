package dev.toolgate.gateway.cli;

import io.micronaut.context.ApplicationContext;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.Micronaut;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Starts the Micronaut application (gRPC + HTTP) and keeps it running until the JVM stops. */
final class GatewayRuntime {
    private GatewayRuntime() {
    }

    static ApplicationContext start(Map<String, Object> properties) {
        ApplicationContext ctx = Micronaut.build(new String[0])
                .mainClass(ToolgateCli.class)
                .banner(false)
                .properties(properties)
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(ctx::close, "toolgate-shutdown"));
        return ctx;
    }

    static int grpcPort(ApplicationContext ctx) {
        return ctx.getBean(GrpcEmbeddedServer.class).getPort();
    }

    static String httpPort(ApplicationContext ctx) {
        return ctx.getProperty("micronaut.server.port", String.class).orElse("8080");
    }

    static int awaitShutdown() throws InterruptedException {
        new CountDownLatch(1).await();
        return 0;
    }
}
