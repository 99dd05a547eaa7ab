package dev.toolgate.gateway.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Server reflection (v1 and the older v1alpha that many tools still ask for), so grpcurl and
 * {@code buf curl} work without the .proto files. Health comes from micronaut-grpc-health.
 */
@Factory
public class GrpcServicesFactory {
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
