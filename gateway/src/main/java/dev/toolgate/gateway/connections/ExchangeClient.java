package dev.toolgate.gateway.connections;

import static java.util.Objects.requireNonNull;

import dev.toolgate.gateway.core.Identifiers;
import dev.toolgate.gateway.error.FieldViolation;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How calls of a {@code token_exchange} integration exchange the end user's token (RFC 8693) at the
 * tenant's authorization server: its token endpoint, the tenant's client there (the secret is a
 * tenant secret, named here), the audience to ask for, scopes, and the type of the user's token.
 * Immutable.
 */
public record ExchangeClient(String tenant, String integration, URI tokenUrl, String clientId,
        String clientSecretName, String audience, String scopes, String subjectTokenType) {
    /** RFC 8693 token types a user's token may be sent as. */
    public static final Set<String> SUBJECT_TOKEN_TYPES = Set.of("urn:ietf:params:oauth:token-type:jwt",
            "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:access_token");
    /** The subject token type when none is given: the user's token is a JWT. */
    public static final String DEFAULT_SUBJECT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

    public ExchangeClient {
        requireNonNull(tenant, "tenant");
        requireNonNull(integration, "integration");
        requireNonNull(tokenUrl, "tokenUrl");
        requireNonNull(clientId, "clientId");
        requireNonNull(clientSecretName, "clientSecretName");
        requireNonNull(audience, "audience");
        requireNonNull(scopes, "scopes");
        requireNonNull(subjectTokenType, "subjectTokenType");
    }

    /** Checked settings; INVALID_ARGUMENT names every bad field. */
    public static ExchangeClient of(String tenant, String integration, String tokenUrl, String clientId,
            String clientSecretName, String audience, String scopes, String subjectTokenType) {
        List<FieldViolation> problems = new ArrayList<>();
        Identifiers.checkName("integration", integration).ifPresent(problems::add);
        URI token = ConnectionClient.url("token_url", tokenUrl, problems);
        if (clientId.isBlank() || clientId.length() > 512) {
            problems.add(new FieldViolation("client_id", "client_id is required (at most 512 chars)"));
        }
        Identifiers.checkName("client_secret", clientSecretName).ifPresent(v -> problems.add(new FieldViolation(
                "client_secret", "client_secret must name a secret of the tenant (PutSecret), e.g. orders_exchange")));
        if (audience.isBlank() || audience.length() > 1024 || !audience.strip().equals(audience)) {
            problems.add(new FieldViolation("audience", "audience is required (the upstream the exchanged token is"
                    + " for, e.g. https://orders.example.com; at most 1024 chars)"));
        }
        if (scopes.length() > 1024) {
            problems.add(new FieldViolation("scopes", "scopes must be at most 1024 chars"));
        }
        String type = subjectTokenType.isEmpty() ? DEFAULT_SUBJECT_TOKEN_TYPE : subjectTokenType;
        if (!SUBJECT_TOKEN_TYPES.contains(type)) {
            problems.add(new FieldViolation("subject_token_type", "subject_token_type must be one of "
                    + new java.util.TreeSet<>(SUBJECT_TOKEN_TYPES) + ", but was '" + Identifiers.abbreviate(type)
                    + "'"));
        }
        Identifiers.requireNoViolations(problems);
        return new ExchangeClient(tenant, integration, token, clientId, clientSecretName, audience, scopes.strip(),
                type);
    }
}
