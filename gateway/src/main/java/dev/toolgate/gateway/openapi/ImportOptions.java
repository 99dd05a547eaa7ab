package dev.toolgate.gateway.openapi;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.catalog.BoundValue;
import dev.toolgate.gateway.catalog.ToolSpec;
import dev.toolgate.gateway.validation.FormatChecks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to import from a document and how. Filters combine: an operation is imported when it
 * passes every non-empty include list and matches no exclude. Immutable; build with
 * {@link #builder()}.
 *
 * @param includeTags / excludeTags operation tags
 * @param includePaths / excludePaths path globs: {@code *} within one segment, {@code **} across
 * @param includeOperations / excludeOperations operationIds or tool names
 * @param baseUrl replaces the document's server URL when not empty
 * @param serverVariables values for the server URL's {@code {variables}}
 * @param secrets secret name per security scheme name (default {@code <integration>_<scheme>})
 * @param timeout of each imported tool
 * @param bindings parameter (or flattened body property) name → {@code secret:NAME} or
 *     {@code value:TEXT}: the parameter is left out of the input schema and sent with that value
 * @param connectionClientId the OAuth client id with which users connect their own accounts when the
 *     document's scheme is an OAuth 2 authorization code flow (its secret: the scheme's secret); empty: set later
 * @param formatChecks whether the imported tools check {@code format}s; empty: as the document says
 *     ({@code x-toolgate-format-checks}), else {@link FormatChecks#DEFAULT}
 * @param toolFormatChecks per tool (by its own name): wins over {@code formatChecks} and the document
 */
public record ImportOptions(Set<String> includeTags, Set<String> excludeTags, List<String> includePaths,
        List<String> excludePaths, Set<String> includeOperations, Set<String> excludeOperations, String baseUrl,
        Map<String, String> serverVariables, Map<String, String> secrets, Duration timeout,
        Map<String, String> bindings, String connectionClientId, Optional<FormatChecks> formatChecks,
        Map<String, FormatChecks> toolFormatChecks) {
    public static final ImportOptions DEFAULTS = builder().build();

    public ImportOptions {
        includeTags = Set.copyOf(includeTags);
        excludeTags = Set.copyOf(excludeTags);
        includePaths = List.copyOf(includePaths);
        excludePaths = List.copyOf(excludePaths);
        includeOperations = Set.copyOf(includeOperations);
        excludeOperations = Set.copyOf(excludeOperations);
        requireNonNull(baseUrl, "baseUrl");
        serverVariables = Map.copyOf(serverVariables);
        secrets = Map.copyOf(secrets);
        requireNonNull(timeout, "timeout");
        bindings = Map.copyOf(bindings);
        requireNonNull(connectionClientId, "connectionClientId");
        requireNonNull(formatChecks, "formatChecks");
        toolFormatChecks = Map.copyOf(toolFormatChecks);
    }

    /** The {@link #bindings} that parse (the others are refused by {@link OpenApiImports} before planning). */
    Map<String, BoundValue> boundValues() {
        Map<String, BoundValue> out = new java.util.LinkedHashMap<>();
        bindings.forEach((name, text) -> BoundValue.parse(text).ifPresent(v -> out.put(name, v)));
        return out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the operation passes the filters. */
    boolean selects(String path, List<String> tags, String operationId, String toolName) {
        boolean ops = includeOperations.isEmpty() || includeOperations.contains(operationId)
                || includeOperations.contains(toolName);
        boolean tagged = includeTags.isEmpty() || tags.stream().anyMatch(includeTags::contains);
        boolean pathed = includePaths.isEmpty() || includePaths.stream().anyMatch(g -> glob(g).matcher(path).matches());
        boolean excluded = excludeOperations.contains(operationId) || excludeOperations.contains(toolName)
                || tags.stream().anyMatch(excludeTags::contains)
                || excludePaths.stream().anyMatch(g -> glob(g).matcher(path).matches());
        return ops && tagged && pathed && !excluded;
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** Fails fast on nonsense values; everything is optional. */
    public static final class Builder {
        private Set<String> includeTags = Set.of();
        private Set<String> excludeTags = Set.of();
        private List<String> includePaths = List.of();
        private List<String> excludePaths = List.of();
        private Set<String> includeOperations = Set.of();
        private Set<String> excludeOperations = Set.of();
        private String baseUrl = "";
        private Map<String, String> serverVariables = Map.of();
        private Map<String, String> secrets = Map.of();
        private String connectionClientId = "";
        private Duration timeout = ToolSpec.DEFAULT_TIMEOUT;
        private Map<String, String> bindings = Map.of();
        private Optional<FormatChecks> formatChecks = Optional.empty();
        private Map<String, FormatChecks> toolFormatChecks = Map.of();

        public Builder includeTags(Set<String> v) {
            includeTags = requireNonNull(v, "includeTags");
            return this;
        }

        public Builder excludeTags(Set<String> v) {
            excludeTags = requireNonNull(v, "excludeTags");
            return this;
        }

        public Builder includePaths(List<String> v) {
            includePaths = requireNonNull(v, "includePaths");
            return this;
        }

        public Builder excludePaths(List<String> v) {
            excludePaths = requireNonNull(v, "excludePaths");
            return this;
        }

        public Builder includeOperations(Set<String> v) {
            includeOperations = requireNonNull(v, "includeOperations");
            return this;
        }

        public Builder excludeOperations(Set<String> v) {
            excludeOperations = requireNonNull(v, "excludeOperations");
            return this;
        }

        public Builder baseUrl(String v) {
            baseUrl = requireNonNull(v, "baseUrl");
            return this;
        }

        public Builder serverVariables(Map<String, String> v) {
            serverVariables = requireNonNull(v, "serverVariables");
            return this;
        }

        public Builder secrets(Map<String, String> v) {
            secrets = requireNonNull(v, "secrets");
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = requireNonNull(v, "timeout");
            return this;
        }

        public Builder connectionClientId(String v) {
            connectionClientId = requireNonNull(v, "connectionClientId");
            return this;
        }

        public Builder bindings(Map<String, String> v) {
            bindings = requireNonNull(v, "bindings");
            return this;
        }

        /** Empty: as the document says, else {@link FormatChecks#DEFAULT}. */
        public Builder formatChecks(Optional<FormatChecks> v) {
            formatChecks = requireNonNull(v, "formatChecks");
            return this;
        }

        public Builder formatChecks(FormatChecks v) {
            return formatChecks(Optional.of(requireNonNull(v, "formatChecks")));
        }

        public Builder toolFormatChecks(Map<String, FormatChecks> v) {
            toolFormatChecks = requireNonNull(v, "toolFormatChecks");
            return this;
        }

        public ImportOptions build() {
            return new ImportOptions(includeTags, excludeTags, includePaths, excludePaths, includeOperations,
                    excludeOperations, baseUrl, serverVariables, secrets, timeout, bindings, connectionClientId,
                    formatChecks, toolFormatChecks);
        }
    }
}
