package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.SecuritySchemes;
import java.util.List;

/**
 * Everything a document yields for one integration, before anything is stored.
 *
 * @param baseUrl empty when the document names no absolute server URL and none was given
 * @param excluded operations left out by the filters or {@code x-toolgate-hidden}
 * @param failedTools names of the operations that could not become tools (an earlier version stays)
 */
public record ImportPlan(String title, String sourceVersion, String baseUrl, SecuritySchemes schemes,
        List<ImportedTool> tools, List<ImportWarning> warnings, int excluded, List<String> failedTools) {
    public ImportPlan {
        requireNonNull(title, "title");
        requireNonNull(sourceVersion, "sourceVersion");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(schemes, "schemes");
        tools = List.copyOf(tools);
        warnings = List.copyOf(warnings);
        failedTools = List.copyOf(failedTools);
    }

    public long skipped() {
        return warnings.stream().filter(ImportWarning::skipped).count();
    }
}
