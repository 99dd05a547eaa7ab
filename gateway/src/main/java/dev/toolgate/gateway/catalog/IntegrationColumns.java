package dev.toolgate.gateway.catalog;

import io.micronaut.core.convert.ConversionContext;
import io.micronaut.data.model.runtime.convert.AttributeConverter;
import jakarta.inject.Singleton;

/** How the typed columns of {@link IntegrationEntity} are stored; the stored forms are the schema's. */
public final class IntegrationColumns {
    private IntegrationColumns() {
    }

    /** {@code integrations.kind}: any stored text loads, so a kind from a newer version is refused only when called. */
    @Singleton
    public static final class KindConverter implements AttributeConverter<StoredKind, String> {
        @Override
        public String convertToPersistedValue(StoredKind kind, ConversionContext context) {
            return kind == null ? null : kind.text();
        }

        @Override
        public StoredKind convertToEntityValue(String stored, ConversionContext context) {
            return stored == null ? null : new StoredKind(stored);
        }
    }

    /** {@code integrations.source}: the lower-case form, e.g. {@code openapi}. */
    @Singleton
    public static final class SourceConverter implements AttributeConverter<IntegrationSource, String> {
        @Override
        public String convertToPersistedValue(IntegrationSource source, ConversionContext context) {
            return source == null ? null : source.stored();
        }

        @Override
        public IntegrationSource convertToEntityValue(String stored, ConversionContext context) {
            return stored == null ? null : IntegrationSource.fromStored(stored);
        }
    }
}
