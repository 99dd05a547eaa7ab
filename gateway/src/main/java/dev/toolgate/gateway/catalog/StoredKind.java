package dev.toolgate.gateway.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The stored {@code integrations.kind} of one integration: a kind this gateway knows, or the text
 * of one it does not (a row written by a newer version). Loading such a row never fails; running
 * its tools is refused ({@code INTEGRATION_KIND_UNKNOWN}) where the executor is chosen. Immutable.
 *
 * @param text the stored form, e.g. {@code http}; never {@code null}
 */
public record StoredKind(String text) {
    public StoredKind {
        requireNonNull(text, "text");
    }

    /** The stored form of a known kind. */
    public static StoredKind of(IntegrationKind kind) {
        return new StoredKind(requireNonNull(kind, "kind").stored());
    }

    /** The kind, or empty when this gateway does not know it. */
    public Optional<IntegrationKind> known() {
        return IntegrationKind.fromStored(text);
    }

    /** Whether this is {@code kind}; an unknown kind is none of the known ones. */
    public boolean is(IntegrationKind kind) {
        return text.equals(kind.stored());
    }

    @Override
    public String toString() {
        return text;
    }
}
