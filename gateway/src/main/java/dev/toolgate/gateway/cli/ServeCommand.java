package dev.toolgate.gateway.cli;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Run the gateway (configuration from application.yml, a --config file and"
        + " TOOLGATE_* variables; docs/deploy.md).")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: $"
            + ConfigFile.VARIABLE + "); environment variables override it")
    Path config;

    @Option(names = "--development", description = "a development run: accept the demo's development master key"
            + " from ./data on PostgreSQL (same as TOOLGATE_DEVELOPMENT=true)")
    boolean development;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> props = new HashMap<>();
        if (development) {
            props.put("toolgate.development", true);
        }
        ApplicationContext ctx = GatewayRuntime.start(props, ConfigFile.load(config, System.getenv()));
        System.err.println("toolgate serving gRPC on :" + GatewayRuntime.grpcPort(ctx) + ", HTTP on :"
                + GatewayRuntime.httpPort(ctx) + ", management (/metrics, /health, /ready, /live) on " + GatewayRuntime.management(ctx));
        return GatewayRuntime.awaitShutdown();
    }
}
