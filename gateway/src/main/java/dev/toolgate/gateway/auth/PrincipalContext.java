package dev.toolgate.gateway.auth;

import dev.toolgate.gateway.error.GatewayException;
import io.grpc.Context;

/** Carries the authenticated {@link Principal} in the gRPC {@link Context} of a call. */
public final class PrincipalContext {
    static final Context.Key<Principal> KEY = Context.key("toolgate-principal");

    private PrincipalContext() {
    }

    /** The caller of the current gRPC call; UNAUTHENTICATED if the call bypassed authentication. */
    public static Principal current() {
        Principal p = KEY.get();
        if (p == null) {
            throw GatewayException.unauthenticated("this call carries no authenticated principal");
        }
        return p;
    }

    public static Context with(Principal principal) {
        return Context.current().withValue(KEY, principal);
    }
}
