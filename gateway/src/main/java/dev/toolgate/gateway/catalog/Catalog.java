package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.toolgate.gateway.cluster.ClusterBus;
import dev.toolgate.gateway.cluster.Invalidation;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.validation.CompiledSchema;
import dev.toolgate.gateway.validation.FormatChecks;
import dev.toolgate.gateway.validation.SchemaCompiler;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools of each tenant, loaded from the registry on first use and kept in memory with
 * compiled schemas. {@link #invalidate} drops a tenant's entry after a change made here and
 * announces it to the other instances ({@link ClusterBus}, on PostgreSQL), which drop theirs when
 * it arrives; as a fallback (H2, a missed message) changes made by other gateway instances are
 * noticed by comparing the tenant's catalog revision in the database, at most once per
 * {@code toolgate.catalog.refresh-interval}. Every drop publishes {@link CatalogChanged}.
 * Lookups never cross tenants. Thread-safe.
 */
@Singleton
public class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final IntegrationRepository integrations;
    private final ToolRepository tools;
    private final ToolVersionRepository versions;
    private final SchemaCompiler compiler;
    private final CatalogRevisionRepository revisions;
    private final Clock clock;
    private final ClusterBus cluster;
    private final ApplicationEventPublisher<CatalogChanged> changes;
    private final Duration refreshInterval;
    private final Map<String, TenantTools> cache = new ConcurrentHashMap<>();
    /** Bumped by every invalidation, so a load that raced with a change is not cached. */
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    /** Tool versions already logged as unloadable (tool id @ version); bounded by the stored versions. */
    private final Set<String> unloadable = ConcurrentHashMap.newKeySet();
    private final ToolChangeRepository toolChanges;
    private final ToolPinningRepository pinning;

    public Catalog(IntegrationRepository integrations, ToolRepository tools, ToolVersionRepository versions,
            SchemaCompiler compiler, CatalogRevisionRepository revisions, Clock clock,
            CatalogProperties config, ClusterBus cluster, ApplicationEventPublisher<CatalogChanged> changes,
            ToolChangeRepository toolChanges, ToolPinningRepository pinning) {
        this.cluster = requireNonNull(cluster, "cluster");
        this.changes = requireNonNull(changes, "changes");
        this.toolChanges = requireNonNull(toolChanges, "toolChanges");
        this.pinning = requireNonNull(pinning, "pinning");
        this.integrations = requireNonNull(integrations, "integrations");
        this.tools = requireNonNull(tools, "tools");
        this.versions = requireNonNull(versions, "versions");
        this.compiler = requireNonNull(compiler, "compiler");
        this.revisions = requireNonNull(revisions, "revisions");
        this.clock = requireNonNull(clock, "clock");
        this.refreshInterval = config.refreshInterval();
    }

    /** The tenant's tools ordered by qualified name. */
    public List<ToolDefinition> list(String tenant) {
        return tenantTools(tenant).index().ordered();
    }

    /**
     * The tenant's tools ordered by qualified name, with the catalog revision they were loaded
     * at: a search index or a page token made from them is tied to that revision.
     */
    public Revision revision(String tenant) {
        TenantTools t = tenantTools(tenant);
        return new Revision(t.revision(), t.index().ordered());
    }

    /** One tenant's catalog at one revision. Immutable. */
    public record Revision(long number, List<ToolDefinition> tools) {
        public Revision {
            tools = List.copyOf(tools);
        }
    }

    /** A tool by qualified name ({@code integration.tool}) or exported name ({@code integration__tool}). */
    public Optional<ToolDefinition> find(String tenant, String name) {
        return tenantTools(tenant).index().find(name);
    }

    /**
     * A tool left out of the catalog because a change of its definition waits for an admin and the
     * tenant's pinning mode is {@link PinningMode#DISABLE}: its pinned definition, by qualified or
     * exported name.
     */
    public Optional<ToolDefinition> held(String tenant, String name) {
        return tenantTools(tenant).held().stream()
                .filter(t -> t.qualifiedName().equals(name) || t.exportName().equals(name)).findFirst();
    }

    /** Names of this tenant's tools closest to {@code wanted}; never names of other tenants. */
    public List<String> closest(String tenant, String wanted) {
        return ClosestNames.of(wanted, tenantTools(tenant).index().names(), 3);
    }

    /** Drops the tenant's catalog here and on the other instances; call it after the change is committed. */
    public void invalidate(String tenant) {
        drop(tenant);
        cluster.publish(Invalidation.catalog(tenant));
    }

    /** Applies another instance's change (or, after a missed message, drops every tenant's catalog). */
    @EventListener
    void onInvalidation(Invalidation invalidation) {
        switch (invalidation.kind()) {
            case CATALOG -> drop(invalidation.tenant());
            case ALL -> List.copyOf(cache.keySet()).forEach(this::drop);
            case KEY, TENANT_KEYS, SECRET, CONNECTED -> { }
        }
    }

    private void drop(String tenant) {
        generation(tenant).incrementAndGet();
        cache.remove(tenant);
        changes.publishEvent(new CatalogChanged(tenant));
    }

    private TenantTools tenantTools(String tenant) {
        TenantTools cached = cache.get(tenant);
        if (cached != null) {
            TenantTools fresh = fresh(tenant, cached);
            if (fresh != null) {
                return fresh;
            }
        }
        AtomicLong generation = generation(tenant);
        long before = generation.get();
        TenantTools loaded = load(tenant);
        if (generation.get() == before) {
            cache.putIfAbsent(tenant, loaded); // a stale entry was removed by fresh()
            if (generation.get() != before) {
                cache.remove(tenant, loaded);
            }
        }
        return loaded;
    }

    /**
     * The entry to serve, or null to load the tenant's catalog again. Within the refresh
     * interval the entry is served as it is; after it, one request checks the revision in the
     * database while the others serve the entry; a check that cannot reach the database serves
     * it until the next interval, so an outage costs one failed read per interval, not one per
     * call. A stale entry is removed.
     */
    private TenantTools fresh(String tenant, TenantTools cached) {
        Instant now = clock.instant();
        if (Duration.between(cached.checkedAt(), now).compareTo(refreshInterval) < 0) {
            return cached;
        }
        TenantTools claimed = cached.checked(now);
        if (!cache.replace(tenant, cached, claimed)) {
            return cache.get(tenant); // another request checks it, or it was invalidated (null: load)
        }
        long current;
        try {
            current = revisions.revisionOf(tenant);
        } catch (RuntimeException e) {
            LOG.warn("cannot check the catalog revision of tenant {}; serving the cached catalog: {}", tenant,
                    e.getMessage());
            return claimed;
        }
        if (current != cached.revision()) {
            cache.remove(tenant, claimed);
            return null;
        }
        return claimed;
    }

    private AtomicLong generation(String tenant) {
        return generations.computeIfAbsent(tenant, t -> new AtomicLong());
    }

    private TenantTools load(String tenant) {
        Instant checkedAt = clock.instant();
        long revision = revisions.revisionOf(tenant); // read first: a change after it makes the next check reload
        Map<String, IntegrationEntity> byId = integrations.findByTenantId(tenant).stream()
                .collect(Collectors.toMap(IntegrationEntity::id, Function.identity()));
        Map<String, ToolVersionEntity> current = versions.findCurrentByTenantId(tenant).stream()
                .collect(Collectors.toMap(ToolVersionEntity::toolId, Function.identity()));
        Set<String> disabled = pinning.modeOf(tenant) != PinningMode.DISABLE ? Set.of()
                : toolChanges.findByTenantIdAndStatusOrderByCreatedAtDesc(tenant, ToolChangeStatus.PENDING.name())
                        .stream().map(ToolChangeEntity::toolId).collect(Collectors.toSet());
        List<ToolDefinition> defs = new ArrayList<>();
        List<ToolDefinition> held = new ArrayList<>();
        for (ToolEntity tool : tools.findByTenantIdAndDeletedAtIsNull(tenant)) {
            IntegrationEntity integration = byId.get(tool.integrationId());
            ToolVersionEntity version = current.get(tool.id());
            if (integration == null || version == null || version.version() != tool.currentVersion()) {
                continue; // changed between the two reads: the revision check reloads it
            }
            toDefinition(integration, tool, version).ifPresent(disabled.contains(tool.id()) ? held::add : defs::add);
        }
        ToolIndex index = ToolIndex.of(defs, (kept, clash) -> LOG.warn("tools {} and {} of tenant {} share the"
                + " exported name {}; only the first is callable by it", kept.qualifiedName(), clash.qualifiedName(),
                tenant, clash.exportName()));
        return new TenantTools(index, revision, checkedAt, List.copyOf(held));
    }

    private Optional<ToolDefinition> toDefinition(IntegrationEntity integration, ToolEntity tool, ToolVersionEntity v) {
        try {
            CompiledSchema schema = compiler.compile("input_schema_json",
                    JsonSupport.mapper().readTree(v.inputSchema()), FormatChecks.parse(v.formatChecks())
                            .orElse(FormatChecks.DEFAULT));
            return Optional.of(new ToolDefinition(tool.tenantId(), integration, tool.name(), v.version(),
                    v.description(), v.inputSchema(), schema, ToolAnnotations.decode(v.annotations()),
                    ToolBinding.fromJson(v.binding()), Duration.ofMillis(v.timeoutMs()),
                    v.outputSchema(), ToolTags.fromJson(v.tags())));
        } catch (JsonProcessingException | RuntimeException e) {
            // e.g. a schema pattern stored before patterns had to compile with RE2: the tool stays out until fixed
            String why = e instanceof GatewayException g && !g.violations().isEmpty()
                    ? Identifiers.summary(g.violations()) : e.getMessage();
            if (unloadable.add(tool.id() + "@" + v.version())) { // once per version, not on every reload
                LOG.error("tool {}.{} version {} of tenant {} cannot be loaded and is left out of the catalog: {}",
                        integration.name(), tool.name(), v.version(), tool.tenantId(), why);
            }
            return Optional.empty();
        }
    }

    private record TenantTools(ToolIndex index, long revision, Instant checkedAt, List<ToolDefinition> held) {
        TenantTools checked(Instant at) {
            return new TenantTools(index, revision, at, held);
        }
    }
}
