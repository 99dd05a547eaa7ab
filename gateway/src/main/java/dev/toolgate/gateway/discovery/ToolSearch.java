package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.policy.ToolVisibility;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool search for a caller: one {@link SearchIndex} per tenant, built on the first search after
 * the tenant's catalog changed (a new revision loaded by {@link Catalog}), and searched with the
 * caller's visibility and filters applied before ranking, so another tenant's tools, or tools of
 * a skill the key does not hold, are never found. Thread-safe.
 */
@Singleton
public class ToolSearch {
    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 50;
    public static final int MAX_QUERY_LENGTH = 1_000;

    private final Catalog catalog;
    private final ToolVisibility visibility;
    private final Map<String, Built> indexes = new ConcurrentHashMap<>();

    public ToolSearch(Catalog catalog, ToolVisibility visibility) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.visibility = requireNonNull(visibility, "visibility");
    }

    private record Built(List<ToolDefinition> tools, SearchIndex index) {
    }

    /**
     * The best matches for {@code query} among the tools the caller may see and the filter keeps.
     *
     * @param limit at most this many (0 or less: {@link #DEFAULT_LIMIT}; above {@link #MAX_LIMIT}: lowered)
     * @throws GatewayException INVALID_ARGUMENT for an empty or too long query
     */
    public List<SearchIndex.Hit> search(Principal p, String query, int limit, ToolFilter filter) {
        requireNonNull(query, "query");
        if (query.isBlank()) {
            throw GatewayException.invalidArgument("query", "query is required: what the tool should do, in words");
        }
        if (query.length() > MAX_QUERY_LENGTH) {
            throw GatewayException.invalidArgument("query", "query must be at most " + MAX_QUERY_LENGTH
                    + " characters, but was " + query.length());
        }
        int n = limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
        return index(p.tenantId()).search(query, n, t -> filter.keeps(t) && visibility.visible(p, t));
    }

    private SearchIndex index(String tenant) {
        List<ToolDefinition> current = catalog.revision(tenant).tools();
        Built built = indexes.compute(tenant, (t, old) -> old != null && old.tools() == current ? old
                : new Built(current, SearchIndex.build(current)));
        return built.index();
    }
}
