package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.core.JsonSupport;
import dev.toolgate.gateway.error.GatewayException;
import dev.toolgate.gateway.tenancy.TenantRepository;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Held changes of pinned tool definitions: list them, show one with its diff, approve or reject
 * it, and set what a tenant's held changes do meanwhile ({@link PinningMode}). Every decision
 * stays in {@code tool_definition_changes} with who decided, when and why; it is logged and
 * counted. Thread-safe.
 */
@Singleton
public class ToolChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ToolChanges.class);
    private static final int MAX_NOTE = 1000;

    private final ToolChangeRepository changes;
    private final ToolPinningRepository pinning;
    private final ToolRepository tools;
    private final ToolVersionRepository versions;
    private final CatalogRevisionRepository revisions;
    private final TenantRepository tenants;
    private final Catalog catalog;
    private final TransactionOperations<Connection> tx;
    private final Clock clock;
    private final DefinitionChangeStats stats;

    public ToolChanges(ToolChangeRepository changes, ToolPinningRepository pinning, ToolRepository tools,
            ToolVersionRepository versions, CatalogRevisionRepository revisions, TenantRepository tenants,
            Catalog catalog, TransactionOperations<Connection> tx, Clock clock, DefinitionChangeStats stats) {
        this.changes = requireNonNull(changes, "changes");
        this.pinning = requireNonNull(pinning, "pinning");
        this.tools = requireNonNull(tools, "tools");
        this.versions = requireNonNull(versions, "versions");
        this.revisions = requireNonNull(revisions, "revisions");
        this.tenants = requireNonNull(tenants, "tenants");
        this.catalog = requireNonNull(catalog, "catalog");
        this.tx = requireNonNull(tx, "tx");
        this.clock = requireNonNull(clock, "clock");
        this.stats = requireNonNull(stats, "stats");
    }

    /** A change with (when asked for) both definitions and their differences. */
    public record Detail(ToolChangeEntity change, List<String> flags, PinnedDefinition pinned,
            PinnedDefinition proposed, List<DefinitionDiff.Entry> diff) {
    }

    /** The tenant's pending changes (or all, newest first), optionally of one tool (qualified name). */
    public List<ToolChangeEntity> list(String tenant, boolean all, String tool) {
        List<ToolChangeEntity> found = all ? changes.findByTenantIdOrderByCreatedAtDesc(tenant)
                : changes.findByTenantIdAndStatusOrderByCreatedAtDesc(tenant, ToolChangeStatus.PENDING.name());
        return tool.isEmpty() ? found : found.stream().filter(c -> c.toolName().equals(tool)).toList();
    }

    public Detail get(String tenant, String id) {
        return detail(require(tenant, id));
    }

    /**
     * Approves (the proposed version becomes the served one) or rejects (the pinned one stays and
     * the same proposal is not held again) a pending change. FAILED_PRECONDITION when it is not
     * pending any more.
     */
    public Detail decide(String tenant, String id, boolean approve, String by, String note) {
        if (note.length() > MAX_NOTE) {
            throw GatewayException.invalidArgument("note", "note is longer than " + MAX_NOTE + " chars");
        }
        ToolChangeEntity decided = tx.executeWrite(status -> {
            ToolChangeEntity c = require(tenant, id);
            if (c.state() != ToolChangeStatus.PENDING) {
                throw GatewayException.failedPrecondition("TOOL_CHANGE_NOT_PENDING", "change '" + id + "' of tool '"
                        + c.toolName() + "' is " + c.status().toLowerCase(java.util.Locale.ROOT)
                        + " already; list the pending ones with ListToolChanges");
            }
            Instant now = clock.instant();
            if (approve) {
                ToolEntity t = tools.findById(c.toolId()).filter(x -> x.tenantId().equals(tenant)
                        && x.deletedAt() == null && x.currentVersion() == c.pinnedVersion())
                        .orElseThrow(() -> GatewayException.failedPrecondition("TOOL_CHANGE_STALE", "tool '"
                                + c.toolName() + "' changed since this change was held; list the pending changes again"));
                tools.update(new ToolEntity(t.id(), t.tenantId(), t.integrationId(), t.name(), c.proposedVersion(),
                        t.createdAt(), now, null));
            }
            ToolChangeEntity saved = changes.update(c.decided(approve ? ToolChangeStatus.APPROVED
                    : ToolChangeStatus.REJECTED, now, by, note));
            revisions.bump(tenant);
            return saved;
        });
        catalog.invalidate(tenant);
        stats.count(tenant, approve ? "approved" : "rejected");
        LOG.info("tool definition change {}: tenant={} tool={} change={} pinned_version={} proposed_version={} by={}",
                approve ? "approved" : "rejected", tenant, decided.toolName(), id, decided.pinnedVersion(),
                decided.proposedVersion(), by);
        return detail(decided);
    }

    public PinningMode mode(String tenant) {
        return pinning.modeOf(tenant);
    }

    /** Sets the tenant's mode; the catalog is reloaded (DISABLE takes held tools out of service). */
    public PinningMode setMode(String tenant, PinningMode mode) {
        tx.executeWrite(status -> {
            if (!tenants.existsById(tenant)) {
                throw GatewayException.notFound("TENANT_NOT_FOUND", "tenant '" + Identifiers.abbreviate(tenant)
                        + "' does not exist", List.of());
            }
            ToolPinningEntity row = new ToolPinningEntity(tenant, mode.name(), clock.instant());
            if (pinning.existsById(tenant)) {
                pinning.update(row);
            } else {
                pinning.save(row);
            }
            revisions.bump(tenant);
            return null;
        });
        catalog.invalidate(tenant);
        LOG.info("tool pinning of tenant {} set to {}", tenant, mode);
        return mode;
    }

    private ToolChangeEntity require(String tenant, String id) {
        return changes.findByIdAndTenantId(id, tenant).orElseThrow(() -> GatewayException.notFound(
                "TOOL_CHANGE_NOT_FOUND", "change '" + Identifiers.abbreviate(id) + "' does not exist", List.of()));
    }

    private Detail detail(ToolChangeEntity c) {
        PinnedDefinition pinned = definition(c, c.pinnedVersion());
        PinnedDefinition proposed = definition(c, c.proposedVersion());
        return new Detail(c, flags(c), pinned, proposed, DefinitionDiff.of(pinned.json(), proposed.json()));
    }

    private PinnedDefinition definition(ToolChangeEntity c, int version) {
        return versions.findByTenantIdAndToolIdAndVersion(c.tenantId(), c.toolId(), version)
                .map(PinnedDefinition::of)
                .orElseThrow(() -> new IllegalStateException("version " + version + " of " + c.toolName() + " is gone"));
    }

    public static List<String> flags(ToolChangeEntity c) {
        try {
            return JsonSupport.mapper().readValue(c.flags(), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            return List.of(c.flags());
        }
    }
}
