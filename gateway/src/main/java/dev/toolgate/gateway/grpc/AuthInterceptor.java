package dev.toolgate.gateway.grpc;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Authenticator;
import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.auth.PrincipalContext;
import dev.toolgate.gateway.error.GatewayException;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Authenticates every call but health checks and server reflection, and puts the
 * {@link Principal} into the call's context; failed attempts are limited per peer address.
 * Runs first (lowest order).
 */
@Singleton
public class AuthInterceptor implements ServerInterceptor, Ordered {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> PUBLIC_SERVICES = Set.of(
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    private final Authenticator authenticator;

    public AuthInterceptor(Authenticator authenticator) {
        this.authenticator = requireNonNull(authenticator, "authenticator");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (PUBLIC_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        Principal principal;
        try {
            principal = authenticator.authenticate(headers.get(AUTHORIZATION), peer(call));
        } catch (GatewayException e) {
            return refuse(call, e);
        } catch (RuntimeException e) {
            LOG.error("cannot verify credentials for {}", call.getMethodDescriptor().getFullMethodName(), e);
            return refuse(call, GatewayException.unavailable("CREDENTIAL_STORE_UNAVAILABLE",
                    "credentials cannot be verified right now; retry later", java.util.Map.of()));
        }
        return Contexts.interceptCall(PrincipalContext.with(principal), call, headers, next);
    }

    /** The client's address, or null for transports without one (in-process). */
    private static java.net.InetAddress peer(ServerCall<?, ?> call) {
        return call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR)
                instanceof java.net.InetSocketAddress address ? address.getAddress() : null;
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, GatewayException e) {
        StatusRuntimeException status = GrpcErrors.toStatus(e);
        call.close(status.getStatus(), status.getTrailers());
        return new ServerCall.Listener<>() { };
    }

    @Override
    public int getOrder() {
        return 100;
    }
}
