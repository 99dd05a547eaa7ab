package dev.toolgate.gateway.grpc;

import dev.toolgate.proto.v1.AdminServiceGrpc;
import dev.toolgate.proto.v1.ToolServiceGrpc;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * The gateway's two services, each request checked by {@link RequestLimits} before it is
 * parsed (the endpoints are plain {@code AsyncService}s so that only these definitions are
 * bound). Server reflection (v1 and the older v1alpha that many tools still ask for), so grpcurl and
 * {@code buf curl} work without the .proto files. Health comes from micronaut-grpc-health.
 */
@Factory
public class GrpcServicesFactory {
    @Singleton
    @Named("tool-service")
    ServerServiceDefinition toolService(ToolServiceEndpoint endpoint, RequestLimits limits) {
        return limits.apply(ToolServiceGrpc.bindService(endpoint));
    }

    @Singleton
    @Named("admin-service")
    ServerServiceDefinition adminService(AdminServiceEndpoint endpoint, RequestLimits limits) {
        return limits.apply(AdminServiceGrpc.bindService(endpoint));
    }

    @Singleton
    @Named("reflection-v1")
    BindableService reflectionV1() {
        return ProtoReflectionServiceV1.newInstance();
    }

    @Singleton
    @Named("reflection-v1alpha")
    @SuppressWarnings("deprecation")
    BindableService reflectionV1Alpha() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }
}
