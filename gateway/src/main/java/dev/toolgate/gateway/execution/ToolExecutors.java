package dev.toolgate.gateway.execution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolgate.gateway.catalog.IntegrationEntity;
import dev.toolgate.gateway.catalog.IntegrationKind;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.upstream.IntegrationExecutor;
import dev.toolgate.gateway.upstream.CredentialScope;
import dev.toolgate.gateway.upstream.PreparedCall;
import dev.toolgate.gateway.upstream.ToolExecutor;
import io.micronaut.context.annotation.Primary;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Hands each tool to the {@link IntegrationExecutor} bean of its integration's kind. Thread-safe.
 */
@Primary
@Singleton
public class ToolExecutors implements ToolExecutor {
    private final Map<IntegrationKind, IntegrationExecutor> byKind = new EnumMap<>(IntegrationKind.class);

    /**
     * @throws IllegalStateException when a kind has no executor or two
     */
    public ToolExecutors(List<IntegrationExecutor> executors) {
        for (IntegrationExecutor executor : requireNonNull(executors, "executors")) {
            IntegrationExecutor other = byKind.putIfAbsent(executor.kind(), executor);
            if (other != null) {
                throw new IllegalStateException("two executors for integration kind " + executor.kind() + ": "
                        + other.getClass().getName() + " and " + executor.getClass().getName());
            }
        }
        List<IntegrationKind> missing = Arrays.stream(IntegrationKind.values()).filter(k -> !byKind.containsKey(k))
                .toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("no executor for integration kind(s) " + missing);
        }
    }

    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments) {
        return prepare(tool, arguments, "");
    }

    /**
     * @throws GatewayException FAILED_PRECONDITION {@code INTEGRATION_KIND_UNKNOWN} when the
     *         integration's stored kind is none this gateway knows; nothing is sent
     */
    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId) {
        return prepare(tool, arguments, callId, CredentialScope.TENANT, "");
    }

    /**
     * @throws GatewayException FAILED_PRECONDITION {@code INTEGRATION_KIND_UNKNOWN} when the
     *         integration's stored kind is none this gateway knows; nothing is sent
     */
    @Override
    public PreparedCall prepare(ToolDefinition tool, JsonNode arguments, String callId, CredentialScope scope,
            String userId) {
        IntegrationEntity integration = tool.integration();
        IntegrationKind kind = integration.integrationKind().orElseThrow(() -> GatewayException.failedPrecondition(
                "INTEGRATION_KIND_UNKNOWN", "integration '" + integration.name() + "' has kind '" + integration.kind()
                        + "', which this gateway cannot execute (it knows " + IntegrationKind.known() + ")"));
        return byKind.get(kind).prepare(tool, arguments, callId, scope, userId);
    }
}
