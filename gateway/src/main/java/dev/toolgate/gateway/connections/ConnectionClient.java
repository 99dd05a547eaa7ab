package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import dev.toolgate.gateway.error.GatewayException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * How a tenant's users connect their own account of an integration: the upstream's OAuth 2.0
 * authorization server (authorization code + PKCE) and the tenant's client there — the client
 * secret is a tenant secret, named here — or, when {@code apiKeyHeader} is set, each user's own
 * API key, pasted on the gateway's connect page and sent in that header. Immutable.
 */
public record ConnectionClient(String tenant, String integration, URI authorizationUrl, URI tokenUrl,
        String clientId, String clientSecretName, String scopes, String apiKeyHeader) {
    private static final java.util.regex.Pattern HEADER = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");

    public ConnectionClient {
        requireNonNull(apiKeyHeader, "apiKeyHeader");
        requireNonNull(tenant, "tenant");
        requireNonNull(integration, "integration");
        requireNonNull(authorizationUrl, "authorizationUrl");
        requireNonNull(tokenUrl, "tokenUrl");
        requireNonNull(clientId, "clientId");
        requireNonNull(clientSecretName, "clientSecretName");
        requireNonNull(scopes, "scopes");
    }

    /** Whether users connect with their own API key (else OAuth). */
    public boolean apiKey() {
        return !apiKeyHeader.isEmpty();
    }

    /** Checked settings; INVALID_ARGUMENT names every bad field. */
    public static ConnectionClient of(String tenant, String integration, String authorizationUrl, String tokenUrl,
            String clientId, String clientSecretName, String scopes, String apiKeyHeader) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        if (!apiKeyHeader.isEmpty()) {
            if (!HEADER.matcher(apiKeyHeader).matches()) {
                problems.add(new FieldViolation("api_key_header", "api_key_header must be an HTTP header name,"
                        + " e.g. X-API-Key or Authorization"));
            }
            for (String[] oauth : new String[][] {{"authorization_url", authorizationUrl}, {"token_url", tokenUrl},
                    {"client_id", clientId}, {"client_secret", clientSecretName}, {"scopes", scopes}}) {
                if (!oauth[1].isEmpty()) {
                    problems.add(new FieldViolation(oauth[0], oauth[0] + " must be empty when users connect with"
                            + " their own API key (api_key_header)"));
                }
            }
            Identifiers.requireNoViolations(problems);
            return new ConnectionClient(tenant, integration, URI.create(""), URI.create(""), "", "", "",
                    apiKeyHeader);
        }
        URI authorize = url("authorization_url", authorizationUrl, problems);
        URI token = url("token_url", tokenUrl, problems);
        if (clientId.isBlank() || clientId.length() > 512) {
            problems.add(new FieldViolation("client_id", "client_id is required (at most 512 chars)"));
        }
        Identifiers.checkName("client_secret", clientSecretName).ifPresent(v -> problems.add(new FieldViolation(
                "client_secret", "client_secret must name a secret of the tenant (PutSecret), e.g. crm_client_secret")));
        if (scopes.length() > 1024) {
            problems.add(new FieldViolation("scopes", "scopes must be at most 1024 chars"));
        }
        Identifiers.requireNoViolations(problems);
        return new ConnectionClient(tenant, integration, authorize, token, clientId, clientSecretName, scopes.strip(),
                "");
    }

    static URI url(String field, String text, List<FieldViolation> problems) {
        try {
            URI u = URI.create(text);
            if (u.getHost() != null && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                    && text.length() <= 2048) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(new FieldViolation(field, field + " must be an absolute http(s) URL"));
        return URI.create("http://invalid");
    }
}
