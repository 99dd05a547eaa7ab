package dev.toolgate.gateway.cli;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "serve", description = "Run the gateway (configuration from application.yml and TOOLGATE_* variables).")
final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        ApplicationContext ctx = GatewayRuntime.start(Map.of());
        System.err.println("toolgate serving gRPC on :" + GatewayRuntime.grpcPort(ctx) + ", HTTP on :"
                + GatewayRuntime.httpPort(ctx) + ", management (/metrics, /health) on " + GatewayRuntime.management(ctx));
        return GatewayRuntime.awaitShutdown();
    }
}
