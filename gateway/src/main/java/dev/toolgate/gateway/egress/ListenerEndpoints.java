package dev.toolgate.gateway.egress;

import dev.toolgate.gateway.core.ManagementStarted;
import io.micronaut.context.annotation.Value;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/**
 * Adds each server the gateway starts (gRPC, HTTP, the management listener) to its own endpoints, each
 * with its own host and the port it really bound.
 */
@Singleton
class ListenerEndpoints {
    private final LocalEndpoints own;
    private final String grpcHost;
    private final String httpHost;

    ListenerEndpoints(LocalEndpoints own, @Value("${grpc.server.host:}") String grpcHost,
            @Value("${micronaut.server.host:}") String httpHost) {
        this.own = own;
        this.grpcHost = grpcHost;
        this.httpHost = httpHost;
    }

    @EventListener
    void started(ServerStartupEvent event) {
        var server = event.getSource();
        own.addListener(server instanceof GrpcEmbeddedServer ? grpcHost : httpHost, server.getPort());
    }

    @EventListener
    void started(ManagementStarted event) {
        own.addListener(event.host(), event.port());
    }
}
