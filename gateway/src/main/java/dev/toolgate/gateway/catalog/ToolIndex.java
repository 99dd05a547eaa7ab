package dev.toolgate.gateway.catalog;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One tenant's tools in memory: ordered by qualified name and indexed by qualified and
 * exported name, so a call's lookup is two hash probes whatever the number of tools. Immutable.
 */
public final class ToolIndex {
    private final List<ToolDefinition> ordered;
    private final Map<String, ToolDefinition> byName;
    private final Map<String, ToolDefinition> byExportName;

    private ToolIndex(List<ToolDefinition> ordered, Map<String, ToolDefinition> byName,
            Map<String, ToolDefinition> byExportName) {
        this.ordered = ordered;
        this.byName = byName;
        this.byExportName = byExportName;
    }

    /**
     * @param onExportClash told of two tools that share an exported name; the first in order keeps it
     */
    public static ToolIndex of(List<ToolDefinition> tools, BiConsumer<ToolDefinition, ToolDefinition> onExportClash) {
        List<ToolDefinition> ordered = new ArrayList<>(tools);
        ordered.sort(Comparator.comparing(ToolDefinition::qualifiedName));
        Map<String, ToolDefinition> byName = HashMap.newHashMap(ordered.size());
        Map<String, ToolDefinition> byExportName = HashMap.newHashMap(ordered.size());
        for (ToolDefinition d : ordered) {
            byName.put(d.qualifiedName(), d);
            ToolDefinition clash = byExportName.putIfAbsent(d.exportName(), d);
            if (clash != null) {
                onExportClash.accept(clash, d);
            }
        }
        return new ToolIndex(List.copyOf(ordered), Map.copyOf(byName), Map.copyOf(byExportName));
    }

    /** By qualified name ({@code integration.tool}) or exported name ({@code integration__tool}). */
    public Optional<ToolDefinition> find(String name) {
        ToolDefinition byQualified = byName.get(name);
        return Optional.ofNullable(byQualified != null ? byQualified : byExportName.get(name));
    }

    public List<ToolDefinition> ordered() {
        return ordered;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
