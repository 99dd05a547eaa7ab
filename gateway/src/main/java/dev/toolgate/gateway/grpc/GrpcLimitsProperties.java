package dev.toolgate.gateway.grpc;

import static dev.toolgate.gateway.core.Settings.atLeast;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code toolgate.grpc.*}: the largest request each service accepts, checked before a message is
 * parsed ({@link RequestLimits}). Bound and checked at start-up (a rejected value names its key);
 * immutable. The transport's own cap is {@code grpc.server.max-inbound-message-size}.
 *
 * @param maxRequestBytes      largest {@code ToolService} request
 * @param maxAdminRequestBytes largest {@code AdminService} request other than {@code ImportOpenApi}
 * @param maxImportBytes       largest {@code ImportOpenApi} request (documents arrive in one message)
 */
@Context
@ConfigurationProperties(GrpcLimitsProperties.PREFIX)
public record GrpcLimitsProperties(
        @Bindable(defaultValue = "1048576") int maxRequestBytes,
        @Bindable(defaultValue = "4194304") int maxAdminRequestBytes,
        @Bindable(defaultValue = "41943040") int maxImportBytes) {
    public static final String PREFIX = "toolgate.grpc";

    public GrpcLimitsProperties {
        atLeast(PREFIX + ".max-request-bytes", maxRequestBytes, 1024);
        atLeast(PREFIX + ".max-admin-request-bytes", maxAdminRequestBytes, 1024);
        atLeast(PREFIX + ".max-import-bytes", maxImportBytes, 1024);
    }
}
