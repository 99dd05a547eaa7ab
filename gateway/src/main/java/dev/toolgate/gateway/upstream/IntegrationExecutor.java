package dev.toolgate.gateway.upstream;

import dev.toolgate.gateway.catalog.IntegrationKind;

/**
 * The executor of the tools of one {@link IntegrationKind}. Each one is a bean; the call path
 * picks among them by the integration's kind, so it never names an implementation.
 * Implementations are thread-safe.
 */
public interface IntegrationExecutor extends ToolExecutor {
    /** The kind of integration whose tools this executor runs; never {@code null}. */
    IntegrationKind kind();
}
