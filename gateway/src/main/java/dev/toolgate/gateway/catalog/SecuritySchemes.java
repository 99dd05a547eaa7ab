package dev.toolgate.gateway.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolgate.gateway.core.JsonSupport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The security schemes of an integration by name, stored as a JSON object. Immutable. */
public record SecuritySchemes(Map<String, SecurityScheme> byName) {
    public static final SecuritySchemes NONE = new SecuritySchemes(Map.of());

    public SecuritySchemes {
        byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    public static SecuritySchemes of(Collection<SecurityScheme> schemes) {
        Map<String, SecurityScheme> map = new LinkedHashMap<>();
        schemes.forEach(s -> map.put(s.name(), s));
        return new SecuritySchemes(map);
    }

    public Optional<SecurityScheme> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public String toJson() {
        ObjectNode root = JsonSupport.mapper().createObjectNode();
        for (SecurityScheme s : byName.values()) {
            ObjectNode node = root.putObject(s.name());
            node.put("type", s.type().name()).put("secret", s.secret());
            if (s.in() != SecurityScheme.ApiKeyLocation.NONE) {
                node.put("in", s.in().name()).put("param", s.paramName());
            }
            if (!s.tokenUrl().isEmpty()) {
                node.put("token_url", s.tokenUrl());
                ArrayNode scopes = node.putArray("scopes");
                s.scopes().forEach(scopes::add);
            }
            if (!s.authorizationUrl().isEmpty()) {
                node.put("authorization_url", s.authorizationUrl());
            }
            if (!s.note().isEmpty()) {
                node.put("note", s.note());
            }
        }
        return root.toString();
    }

    public static SecuritySchemes fromJson(String json) {
        try {
            JsonNode root = JsonSupport.mapper().readTree(json);
            List<SecurityScheme> out = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                JsonNode n = e.getValue();
                List<String> scopes = new ArrayList<>();
                n.path("scopes").forEach(s -> scopes.add(s.asText()));
                out.add(new SecurityScheme(e.getKey(), SecurityScheme.Type.valueOf(n.path("type").asText()),
                        n.path("secret").asText(), SecurityScheme.ApiKeyLocation.valueOf(n.path("in").asText("NONE")),
                        n.path("param").asText(), n.path("token_url").asText(), scopes, n.path("note").asText(),
                        n.path("authorization_url").asText()));
            }
            return of(out);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("stored security schemes are unreadable", e);
        }
    }
}
