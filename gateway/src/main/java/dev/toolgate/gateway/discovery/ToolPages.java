package dev.toolgate.gateway.discovery;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.auth.Principal;
import dev.toolgate.gateway.catalog.Catalog;
import dev.toolgate.gateway.catalog.ToolDefinition;
import dev.toolgate.gateway.policy.ToolVisibility;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Pages of the tools a caller may see, in qualified-name order. Visibility and filters are
 * applied before paging: a page holds only visible tools, and whether a next page exists depends
 * on visible tools only. A page ends at the page size or before it would pass
 * {@link #MAX_PAGE_BYTES} (it always holds at least one tool). Thread-safe.
 */
@Singleton
public class ToolPages {
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 500;
    /** A page's budget, far below gRPC's default 4 MiB message limit and MCP clients' patience. */
    public static final int MAX_PAGE_BYTES = 1 << 20;

    private final Catalog catalog;
    private final ToolVisibility visibility;
    private final PageTokens tokens;

    public ToolPages(Catalog catalog, ToolVisibility visibility, PageTokens tokens) {
        this.catalog = requireNonNull(catalog, "catalog");
        this.visibility = requireNonNull(visibility, "visibility");
        this.tokens = requireNonNull(tokens, "tokens");
    }

    /** One page and the token of the next (empty on the last page). Immutable. */
    public record Page(List<ToolDefinition> tools, String nextPageToken) {
        public Page {
            tools = List.copyOf(tools);
            requireNonNull(nextPageToken, "nextPageToken");
        }
    }

    /** A request's page: which tools, how many, from where. */
    public record Request(ToolFilter filter, String scope, int pageSize, String pageToken, String tokenField) {
        public Request {
            requireNonNull(filter, "filter");
            requireNonNull(scope, "scope");
            requireNonNull(pageToken, "pageToken");
            requireNonNull(tokenField, "tokenField");
        }
    }

    /**
     * @param size the bytes one tool adds to the answer (its serialized form)
     * @throws dev.toolgate.gateway.error.GatewayException INVALID_ARGUMENT for a bad page token
     */
    public Page page(Principal p, Request request, ToIntFunction<ToolDefinition> size) {
        Catalog.Revision revision = catalog.revision(p.tenantId());
        String scope = request.scope() + "\u0000" + request.filter().digest();
        List<ToolDefinition> all = revision.tools();
        int start = 0;
        if (!request.pageToken().isEmpty()) {
            String after = tokens.read(p, scope, request.pageToken(), revision.number(), request.tokenField()).lastName();
            start = firstAfter(all, after);
        }
        int limit = effectiveSize(request.pageSize());
        List<ToolDefinition> page = new ArrayList<>(Math.min(limit, all.size()));
        long bytes = 0;
        int i = start;
        for (; i < all.size(); i++) {
            ToolDefinition t = all.get(i);
            if (!shown(p, request.filter(), t)) {
                continue;
            }
            if (page.size() == limit) {
                break;
            }
            int bytesOfTool = size.applyAsInt(t);
            if (!page.isEmpty() && bytes + bytesOfTool > MAX_PAGE_BYTES) {
                break;
            }
            page.add(t);
            bytes += bytesOfTool;
        }
        boolean more = i < all.size(); // the loop stopped at a shown tool that did not fit
        String next = more ? tokens.issue(p, scope, new PageTokens.Position(revision.number(),
                page.get(page.size() - 1).qualifiedName())) : "";
        return new Page(page, next);
    }

    /**
     * About the bytes a tool takes in any answer (proto, provider JSON or MCP): its schemas and
     * description dominate; names and annotations fit in the constant.
     */
    public static int approximateBytes(ToolDefinition t) {
        return t.inputSchemaJson().length() + t.outputSchemaJson().length() + t.description().length() + 256;
    }

    static int effectiveSize(int requested) {
        if (requested <= 0) {
            return DEFAULT_PAGE_SIZE;
        }
        return Math.min(requested, MAX_PAGE_SIZE);
    }

    private boolean shown(Principal p, ToolFilter filter, ToolDefinition t) {
        return filter.keeps(t) && visibility.visible(p, t);
    }

    /** Index of the first tool named after {@code name} (ordered by qualified name). */
    private static int firstAfter(List<ToolDefinition> ordered, String name) {
        int lo = 0;
        int hi = ordered.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ordered.get(mid).qualifiedName().compareTo(name) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
