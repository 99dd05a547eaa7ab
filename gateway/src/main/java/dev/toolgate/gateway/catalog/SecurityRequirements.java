package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Which credentials a tool's requests carry, as OpenAPI's {@code security}: alternatives, each
 * a set of security scheme names of the integration that must all be applied. The first
 * alternative whose secrets all exist is used. An empty alternative means "no credential".
 *
 * @param fromIntegration the tool uses the integration's single {@link HttpAuth} (hand-defined tools)
 */
public record SecurityRequirements(boolean fromIntegration, List<List<String>> alternatives) {
    public static final SecurityRequirements FROM_INTEGRATION = new SecurityRequirements(true, List.of());
    public static final SecurityRequirements NONE = new SecurityRequirements(false, List.of(List.of()));

    public SecurityRequirements {
        alternatives = requireNonNull(alternatives, "alternatives").stream().map(List::copyOf).toList();
        if (fromIntegration && !alternatives.isEmpty()) {
            throw new IllegalArgumentException("integration auth takes no alternatives");
        }
    }

    public static SecurityRequirements anyOf(List<List<String>> alternatives) {
        return alternatives.isEmpty() ? NONE : new SecurityRequirements(false, alternatives);
    }
}
