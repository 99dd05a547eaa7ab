package dev.toolgate.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A stored API key: its hash, never the key. {@code scopes} is space-separated; {@code labels}
 * is a JSON object of strings.
 */
@MappedEntity("api_keys")
public record ApiKeyEntity(@Id String id, String tenantId, String agentId, String keyHash, String scopes,
        Instant createdAt, @Nullable Instant revokedAt, String labels) {

    public Set<String> scopeSet() {
        return Arrays.stream(scopes.split(" ")).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public Map<String, String> labelMap() {
        return KeyLabels.parse(labels);
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }
}
