package dev.toolgate.gateway.admin;

import java.util.Set;

/** A freshly created API key; the only place its plaintext ever exists. */
public record IssuedKey(String keyId, String apiKey, String tenant, String agentId, Set<String> scopes) {
    @Override
    public String toString() {
        return "IssuedKey[keyId=" + keyId + ", tenant=" + tenant + ", agentId=" + agentId + "]";
    }
}
