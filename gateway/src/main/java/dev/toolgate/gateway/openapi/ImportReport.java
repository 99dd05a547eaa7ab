package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What an import did: tools by qualified name, the remarks, and the secrets the tools need.
 *
 * @param held tools whose changed definition is held for an admin (docs/catalog.md)
 * @param excluded operations the filters or {@code x-toolgate-hidden} left out
 */
public record ImportReport(String integration, String baseUrl, String sourceVersion, List<String> added,
        List<String> changed, List<String> unchanged, List<String> removed, List<ImportWarning> warnings, int excluded,
        List<Credential> credentials, List<String> held) {

    /** A security scheme the imported tools use, its secret and whether the tenant has it yet. */
    public record Credential(String scheme, String type, String secret, boolean present, String note) {
    }

    public ImportReport {
        requireNonNull(integration, "integration");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(sourceVersion, "sourceVersion");
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        removed = List.copyOf(removed);
        warnings = List.copyOf(warnings);
        credentials = List.copyOf(credentials);
        held = List.copyOf(held);
    }
}
