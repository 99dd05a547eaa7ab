package dev.toolgate.gateway.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stored rows a tool set's write works on, read up front, and the rows of its new tools, written
 * together at the end. An import of a thousand operations used to cost three statements per tool
 * (look up the tool, insert it, insert its version); now it reads the integration's tools and their
 * current versions in two queries and inserts the new ones in two batches. Used inside one
 * transaction, by one thread; {@link #flush} before anything reads the new rows back.
 */
final class ToolRows {
    private final ToolRepository tools;
    private final ToolVersionRepository versions;
    private final Map<String, ToolEntity> toolsByName;
    private final Map<String, ToolVersionEntity> currentByToolId;
    private final List<ToolEntity> newTools = new ArrayList<>();
    private final List<ToolVersionEntity> newVersions = new ArrayList<>();
    private final java.util.Set<String> pendingNames = new java.util.HashSet<>();

    private ToolRows(ToolRepository tools, ToolVersionRepository versions, Map<String, ToolEntity> toolsByName,
            Map<String, ToolVersionEntity> currentByToolId) {
        this.tools = tools;
        this.versions = versions;
        this.toolsByName = toolsByName;
        this.currentByToolId = currentByToolId;
    }

    /** Every tool of the integration (deleted ones too) and the current version of each live one. */
    static ToolRows ofIntegration(ToolRepository tools, ToolVersionRepository versions, String tenant,
            String integrationId) {
        Map<String, ToolEntity> byName = new HashMap<>();
        tools.findByTenantIdAndIntegrationId(tenant, integrationId).forEach(t -> byName.put(t.name(), t));
        Map<String, ToolVersionEntity> current = new HashMap<>();
        versions.findCurrentByTenantIdAndIntegrationId(tenant, integrationId).forEach(v -> current.put(v.toolId(), v));
        return new ToolRows(tools, versions, byName, current);
    }

    /** The rows of one tool only (a single upsert). */
    static ToolRows of(ToolRepository tools, ToolVersionRepository versions, String tenant, String integrationId,
            String name) {
        Map<String, ToolEntity> byName = new HashMap<>();
        Map<String, ToolVersionEntity> current = new HashMap<>();
        tools.findByTenantIdAndIntegrationIdAndName(tenant, integrationId, name).ifPresent(t -> {
            byName.put(t.name(), t);
            if (t.deletedAt() == null) {
                versions.findByTenantIdAndToolIdAndVersion(tenant, t.id(), t.currentVersion())
                        .ifPresent(v -> current.put(t.id(), v));
            }
        });
        return new ToolRows(tools, versions, byName, current);
    }

    /** The stored tool of that name; a new one not written yet is written first (a name given twice). */
    Optional<ToolEntity> tool(String name) {
        if (pendingNames.contains(name)) {
            flush();
        }
        return Optional.ofNullable(toolsByName.get(name));
    }

    /** The version the live {@code tool} serves. */
    Optional<ToolVersionEntity> current(ToolEntity tool) {
        ToolVersionEntity v = currentByToolId.get(tool.id());
        return v != null && v.version() == tool.currentVersion() ? Optional.of(v) : Optional.empty();
    }

    /** A new tool and its first version, inserted at {@link #flush}. */
    void add(ToolEntity tool, ToolVersionEntity version) {
        newTools.add(tool);
        newVersions.add(version);
        pendingNames.add(tool.name());
        written(tool, version);
    }

    /**
     * What a write left stored: the tool's row and, when the write made it current, its current
     * version ({@code null}: the current version did not change, e.g. a change held for review), so a
     * later spec of the same name in the set sees what an earlier one wrote.
     */
    void written(ToolEntity tool, ToolVersionEntity current) {
        toolsByName.put(tool.name(), tool);
        if (current != null) {
            currentByToolId.put(tool.id(), current);
        }
    }

    /** Inserts the new tools, then their versions, each as one batch. */
    void flush() {
        if (!newTools.isEmpty()) {
            tools.saveAll(newTools);
            versions.saveAll(newVersions);
            newTools.clear();
            newVersions.clear();
            pendingNames.clear();
        }
    }
}
